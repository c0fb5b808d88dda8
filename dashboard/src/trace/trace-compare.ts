import { flattenTree, type TraceTree } from './waterfall-layout.ts';

/** One span of one side of a comparison; times in ms from that trace's start. */
export interface CompareSide {
  readonly spanId: string;
  readonly offsetMs: number;
  readonly durationMs: number;
  readonly error: boolean;
}

export type CompareDiff = 'only-a' | 'only-b' | 'slower' | 'faster' | 'same';

export interface CompareRow {
  /** The span's place in its trace: the service and name of it and of each ancestor. */
  readonly key: string;
  readonly depth: number;
  readonly serviceName: string;
  readonly name: string;
  readonly a: CompareSide | null;
  readonly b: CompareSide | null;
  readonly diff: CompareDiff;
}

/** Durations within this share of each other count as the same. */
export const SAME_WITHIN = 0.1;

interface Node extends CompareSide {
  readonly serviceName: string;
  readonly name: string;
  readonly depth: number;
}

interface Keyed {
  readonly nodes: Map<string, Node>;
  readonly kids: Map<string, string[]>;
}

/**
 * Spans keyed by their path from the root (`service name` of each ancestor), the n-th repeat of
 * the same call under the same parent numbered: the same call in two traces gets the same key.
 */
function keyed(tree: TraceTree): Keyed {
  const nodes = new Map<string, Node>();
  const kids = new Map<string, string[]>();
  const path: string[] = [];
  const seen = new Map<string, number>();
  for (const row of flattenTree(tree, new Set())) {
    const { span, depth } = row;
    const parent = depth > 0 ? (path[depth - 1] ?? '') : '';
    const base = `${parent}/${span.serviceName} ${span.name}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const key = `${base}#${n}`;
    path[depth] = key;
    nodes.set(key, {
      spanId: span.spanId,
      offsetMs: row.offsetMs,
      durationMs: row.durationMs,
      error: span.statusCode === 'Error',
      serviceName: span.serviceName,
      name: span.name,
      depth,
    });
    const list = kids.get(parent);
    if (list) list.push(key);
    else kids.set(parent, [key]);
  }
  return { nodes, kids };
}

const side = (n: Node | undefined): CompareSide | null =>
  n ? { spanId: n.spanId, offsetMs: n.offsetMs, durationMs: n.durationMs, error: n.error } : null;

function diffOf(a: CompareSide | null, b: CompareSide | null): CompareDiff {
  if (!a) return 'only-b';
  if (!b) return 'only-a';
  const longer = Math.max(a.durationMs, b.durationMs);
  if (longer - Math.min(a.durationMs, b.durationMs) <= longer * SAME_WITHIN) return 'same';
  return b.durationMs > a.durationMs ? 'slower' : 'faster';
}

/**
 * Two traces merged into one tree of rows: the spans both have, those only one has (placed under
 * their parent), and whether B's span took longer or shorter than A's.
 */
export function compareTraces(a: TraceTree, b: TraceTree): CompareRow[] {
  const ka = keyed(a);
  const kb = keyed(b);
  const children = (parent: string): string[] => {
    const first = ka.kids.get(parent) ?? [];
    const extra = (kb.kids.get(parent) ?? []).filter((k) => !ka.nodes.has(k));
    return [...first, ...extra];
  };
  const rows: CompareRow[] = [];
  // Iterative depth-first walk: a very deep trace must not overflow the stack.
  const stack = children('').reverse();
  while (stack.length > 0) {
    const key = stack.pop() as string;
    const na = ka.nodes.get(key);
    const nb = kb.nodes.get(key);
    const n = (na ?? nb) as Node;
    const sa = side(na);
    const sb = side(nb);
    rows.push({
      key,
      depth: n.depth,
      serviceName: n.serviceName,
      name: n.name,
      a: sa,
      b: sb,
      diff: diffOf(sa, sb),
    });
    stack.push(...children(key).reverse());
  }
  return rows;
}

/** How many rows of each kind: the comparison's summary line. */
export function countDiffs(rows: readonly CompareRow[]): Record<CompareDiff, number> {
  const out: Record<CompareDiff, number> = {
    'only-a': 0,
    'only-b': 0,
    slower: 0,
    faster: 0,
    same: 0,
  };
  for (const r of rows) out[r.diff]++;
  return out;
}
