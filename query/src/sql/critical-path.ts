/**
 * The critical path of a trace: the stretches of spans that the root span's latency is made of.
 * Pure computation over span timings; no I/O.
 *
 * Walk back from the root's end. At any moment the path is in one span; among that span's children
 * that finish no later than the current moment, the one finishing last is what the span was waiting
 * for, so the time from that child's end to now belongs to the span itself and the path then
 * continues inside the child from the child's end. When no child finishes in time, the rest of the
 * span back to its start is its own, and the path returns to the parent at the span's start.
 *
 * Children are first clipped to their parent's time (a fire-and-forget child that outlives its
 * parent cannot delay it; clock skew can put a child before its parent); a child left with no time
 * is dropped with its subtree. Spans whose parent is not in the trace (orphans, and extra roots)
 * hang under the root: their real ancestor is missing, but their time was spent inside the trace.
 */

export interface TimedSpan {
  readonly spanId: string;
  readonly parentSpanId: string;
  /** Any consistent unit; nanoseconds since the epoch in the API. */
  readonly start: bigint;
  readonly end: bigint;
}

export interface PathSegment<S extends TimedSpan> {
  readonly span: S;
  readonly start: bigint;
  readonly end: bigint;
}

export interface CriticalPath<S extends TimedSpan> {
  readonly root: S;
  /** No span lacks a parent: the root is the earliest span whose parent is missing. */
  readonly rootSpanMissing: boolean;
  /** In time order; contiguous, covering exactly [root.start, root.end]. */
  readonly segments: PathSegment<S>[];
}

interface Node {
  readonly index: number;
  readonly start: bigint;
  readonly end: bigint;
  /** Kept children, latest clipped end first. */
  readonly children: Node[];
}

/** Earliest start, then latest end (the widest), then span id, so the choice is deterministic. */
function before(a: TimedSpan, b: TimedSpan): boolean {
  if (a.start !== b.start) return a.start < b.start;
  if (a.end !== b.end) return a.end > b.end;
  return a.spanId < b.spanId;
}

function pickRoot(spans: readonly TimedSpan[], ids: ReadonlySet<string>): number {
  // Prefer a true root, then an orphan, then anything (a trace made only of a parent cycle).
  const rank = (s: TimedSpan) => (s.parentSpanId === '' ? 2 : ids.has(s.parentSpanId) ? 0 : 1);
  let best = 0;
  for (let i = 1; i < spans.length; i++) {
    const span = spans[i] as TimedSpan;
    const current = spans[best] as TimedSpan;
    const diff = rank(span) - rank(current);
    if (diff > 0 || (diff === 0 && before(span, current))) best = i;
  }
  return best;
}

/** Builds the clipped tree below the root, breadth first; each span is placed at most once. */
function buildTree(spans: readonly TimedSpan[], rootIndex: number): Node {
  const ids = new Set(spans.map((s) => s.spanId));
  const childrenOf = new Map<string, number[]>();
  const orphans: number[] = [];
  spans.forEach((span, i) => {
    if (i === rootIndex) return;
    if (span.parentSpanId === '' || !ids.has(span.parentSpanId)) {
      orphans.push(i);
      return;
    }
    const list = childrenOf.get(span.parentSpanId);
    if (list) list.push(i);
    else childrenOf.set(span.parentSpanId, [i]);
  });
  const rootSpan = spans[rootIndex] as TimedSpan;
  const root: Node = { index: rootIndex, start: rootSpan.start, end: rootSpan.end, children: [] };
  const placed = new Set<number>([rootIndex]);
  const queue: Node[] = [root];
  for (let q = 0; q < queue.length; q++) {
    const node = queue[q] as Node;
    const span = spans[node.index] as TimedSpan;
    const candidates = childrenOf.get(span.spanId) ?? [];
    for (const i of node === root ? [...candidates, ...orphans] : candidates) {
      if (placed.has(i)) continue; // duplicate span ids or parent cycles
      placed.add(i);
      const child = spans[i] as TimedSpan;
      const start = child.start > node.start ? child.start : node.start;
      const end = child.end < node.end ? child.end : node.end;
      if (start >= end) continue;
      const kept: Node = { index: i, start, end, children: [] };
      node.children.push(kept);
      queue.push(kept);
    }
    node.children.sort((a, b) => {
      if (a.end !== b.end) return a.end > b.end ? -1 : 1;
      // Equal ends: the longer child explains more of the wait.
      if (a.start !== b.start) return a.start < b.start ? -1 : 1;
      const ai = spans[a.index]?.spanId ?? '';
      const bi = spans[b.index]?.spanId ?? '';
      return ai < bi ? -1 : ai > bi ? 1 : 0;
    });
  }
  return root;
}

/** `null` for a trace without spans. Iterative, so a 10,000-deep chain cannot overflow the stack. */
export function criticalPath<S extends TimedSpan>(spans: readonly S[]): CriticalPath<S> | null {
  if (spans.length === 0) return null;
  const ids = new Set(spans.map((s) => s.spanId));
  const rootIndex = pickRoot(spans, ids);
  const root = buildTree(spans, rootIndex);
  const reversed: PathSegment<S>[] = [];
  const push = (node: Node, start: bigint, end: bigint) => {
    if (start < end) reversed.push({ span: spans[node.index] as S, start, end });
  };
  // Each frame: a span on the path, the moment the walk has reached in it, and the next child to try.
  const stack: { node: Node; at: bigint; next: number }[] = [{ node: root, at: root.end, next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as { node: Node; at: bigint; next: number };
    const kids = frame.node.children;
    // Children are sorted by end, latest first, and `at` only moves back, so skipped ones stay skipped.
    while (frame.next < kids.length && (kids[frame.next] as Node).end > frame.at) frame.next++;
    const child = kids[frame.next];
    if (child) {
      frame.next++;
      push(frame.node, child.end, frame.at);
      frame.at = child.start;
      stack.push({ node: child, at: child.end, next: 0 });
    } else {
      push(frame.node, frame.node.start, frame.at);
      stack.pop();
    }
  }
  return {
    root: spans[rootIndex] as S,
    rootSpanMissing: !spans.some((s) => s.parentSpanId === ''),
    segments: reversed.reverse(),
  };
}
