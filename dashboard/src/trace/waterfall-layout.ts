import type { CriticalPathSegment, Span } from '@sightline/model/api/traces';

/** A trace as a tree; times relative to the trace start, in milliseconds. */
export interface TraceTree {
  readonly byId: ReadonlyMap<string, Span>;
  /** Spans without a parent in the trace (the root, and orphans whose parent never arrived). */
  readonly roots: readonly Span[];
  readonly children: ReadonlyMap<string, readonly Span[]>;
  readonly startNs: bigint;
  readonly durationMs: number;
}

export interface WaterfallRow {
  readonly span: Span;
  readonly depth: number;
  readonly childCount: number;
  readonly collapsed: boolean;
  /** Offset of the span start from the trace start, ms. */
  readonly offsetMs: number;
  readonly durationMs: number;
  /** The parent id is set but that span is not in the trace. */
  readonly orphan: boolean;
}

const byStart = (a: Span, b: Span): number => {
  const d = BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano);
  return d < 0n ? -1 : d > 0n ? 1 : a.spanId < b.spanId ? -1 : 1;
};

export function buildTree(spans: readonly Span[]): TraceTree {
  const byId = new Map<string, Span>();
  for (const s of spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  let start: bigint | null = null;
  let end: bigint | null = null;
  for (const s of byId.values()) {
    const st = BigInt(s.startTimeUnixNano);
    const en = st + BigInt(s.durationNano);
    if (start === null || st < start) start = st;
    if (end === null || en > end) end = en;
    const parent =
      s.parentSpanId && s.parentSpanId !== s.spanId ? byId.get(s.parentSpanId) : undefined;
    if (parent) {
      const list = children.get(parent.spanId);
      if (list) list.push(s);
      else children.set(parent.spanId, [s]);
    } else roots.push(s);
  }
  for (const list of children.values()) list.sort(byStart);
  roots.sort(byStart);
  const startNs = start ?? 0n;
  return { byId, roots, children, startNs, durationMs: Number((end ?? 0n) - startNs) / 1e6 };
}

/**
 * Depth-first rows, children in start order, skipping the subtrees of `collapsed` spans.
 * Iterative: a 10,000-deep chain must not overflow the stack. Spans in a parent cycle (bad data)
 * are never reached from a root, so they are appended as roots at the end.
 */
export function flattenTree(tree: TraceTree, collapsed: ReadonlySet<string>): WaterfallRow[] {
  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  const visit = (root: Span) => {
    const stack: { span: Span; depth: number }[] = [{ span: root, depth: 0 }];
    while (stack.length > 0) {
      const { span, depth } = stack.pop() as { span: Span; depth: number };
      if (seen.has(span.spanId)) continue;
      seen.add(span.spanId);
      const kids = tree.children.get(span.spanId) ?? [];
      const isCollapsed = collapsed.has(span.spanId) && kids.length > 0;
      rows.push({
        span,
        depth,
        childCount: kids.length,
        collapsed: isCollapsed,
        offsetMs: Number(BigInt(span.startTimeUnixNano) - tree.startNs) / 1e6,
        durationMs: Number(BigInt(span.durationNano)) / 1e6,
        orphan: depth === 0 && span.parentSpanId !== '',
      });
      if (isCollapsed) hide(kids);
      else
        for (let i = kids.length - 1; i >= 0; i--)
          stack.push({ span: kids[i] as Span, depth: depth + 1 });
    }
  };
  // Spans under a collapsed one are reached, just not shown: keep them out of the cycle sweep.
  const hide = (spans: readonly Span[]) => {
    const stack = [...spans];
    while (stack.length > 0) {
      const s = stack.pop() as Span;
      if (seen.has(s.spanId)) continue;
      seen.add(s.spanId);
      stack.push(...(tree.children.get(s.spanId) ?? []));
    }
  };
  for (const r of tree.roots) visit(r);
  for (const s of tree.byId.values()) if (!seen.has(s.spanId)) visit(s);
  return rows;
}

/** Every span with children: "collapse all". */
export function parentIds(tree: TraceTree): Set<string> {
  return new Set(tree.children.keys());
}

/** The spans above `spanId`, so it can be revealed by expanding them. */
export function ancestorsOf(tree: TraceTree, spanId: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let cur = tree.byId.get(spanId);
  while (cur && cur.parentSpanId && !seen.has(cur.parentSpanId)) {
    seen.add(cur.parentSpanId);
    const parent = tree.byId.get(cur.parentSpanId);
    if (!parent) break;
    out.push(parent.spanId);
    cur = parent;
  }
  return out;
}

/** Critical-path stretches per span, as [start, end] ms offsets from the trace start. */
export function criticalBySpan(
  tree: TraceTree,
  segments: readonly CriticalPathSegment[],
): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const seg of segments) {
    const a = Number(BigInt(seg.startTimeUnixNano) - tree.startNs) / 1e6;
    const b = Number(BigInt(seg.endTimeUnixNano) - tree.startNs) / 1e6;
    const list = out.get(seg.spanId);
    if (list) list.push([a, b]);
    else out.set(seg.spanId, [[a, b]]);
  }
  return out;
}

/** Ruler ticks: about `count` round values from 0 to `durationMs`. */
export function rulerTicks(durationMs: number, count = 5): number[] {
  if (!(durationMs > 0)) return [0];
  const raw = durationMs / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let t = 0; t <= durationMs + 1e-9; t += step) ticks.push(t);
  return ticks;
}
