import { describe, expect, it } from 'vitest';
import { criticalPath, type TimedSpan } from './critical-path.ts';

const span = (spanId: string, parentSpanId: string, start: number, end: number): TimedSpan => ({
  spanId,
  parentSpanId,
  start: BigInt(start),
  end: BigInt(end),
});

/** The path as [spanId, start, end] triples, easy to read in a failure. */
function path(spans: TimedSpan[]): [string, number, number][] {
  const result = criticalPath(spans);
  if (result === null) throw new Error('no path');
  return result.segments.map((s) => [s.span.spanId, Number(s.start), Number(s.end)]);
}

describe('criticalPath', () => {
  it('is the root alone when it has no children', () => {
    expect(path([span('r', '', 0, 100)])).toEqual([['r', 0, 100]]);
  });

  it('runs through sequential children and gives the gaps to the parent', () => {
    expect(path([span('r', '', 0, 100), span('a', 'r', 10, 40), span('b', 'r', 50, 90)])).toEqual([
      ['r', 0, 10],
      ['a', 10, 40],
      ['r', 40, 50],
      ['b', 50, 90],
      ['r', 90, 100],
    ]);
  });

  it('follows the last-finishing of parallel children and skips the ones it hides', () => {
    expect(path([span('r', '', 0, 100), span('a', 'r', 10, 80), span('b', 'r', 20, 60)])).toEqual([
      ['r', 0, 10],
      ['a', 10, 80],
      ['r', 80, 100],
    ]);
    // b finishes last; a is still running when b starts, so a did not delay b: the parent did.
    expect(path([span('r', '', 0, 100), span('a', 'r', 10, 50), span('b', 'r', 40, 90)])).toEqual([
      ['r', 0, 40],
      ['b', 40, 90],
      ['r', 90, 100],
    ]);
  });

  it('descends into grandchildren', () => {
    expect(
      path([
        span('r', '', 0, 100),
        span('a', 'r', 10, 40),
        span('b', 'r', 50, 90),
        span('c', 'b', 60, 80),
        span('d', 'c', 65, 70),
      ]),
    ).toEqual([
      ['r', 0, 10],
      ['a', 10, 40],
      ['r', 40, 50],
      ['b', 50, 60],
      ['c', 60, 65],
      ['d', 65, 70],
      ['c', 70, 80],
      ['b', 80, 90],
      ['r', 90, 100],
    ]);
  });

  it('cuts a child that outlives its parent at the parent end and drops what lies beyond it', () => {
    expect(
      path([
        span('r', '', 0, 100),
        span('async', 'r', 50, 150),
        span('late', 'async', 120, 140),
        span('early', 'r', -20, 30), // clock skew: starts before its parent
      ]),
    ).toEqual([
      ['early', 0, 30],
      ['r', 30, 50],
      ['async', 50, 100],
    ]);
  });

  it('hangs orphans (and extra roots) under the root', () => {
    const result = criticalPath([
      span('r', '', 0, 100),
      span('orphan', 'gone', 30, 70),
      span('second-root', '', 80, 90),
    ]);
    expect(result?.rootSpanMissing).toBe(false);
    expect(result?.root.spanId).toBe('r');
    expect(result?.segments.map((s) => [s.span.spanId, Number(s.start), Number(s.end)])).toEqual([
      ['r', 0, 30],
      ['orphan', 30, 70],
      ['r', 70, 80],
      ['second-root', 80, 90],
      ['r', 90, 100],
    ]);
  });

  it('starts from the earliest orphan when the root is missing', () => {
    const result = criticalPath([
      span('y', 'gone', 20, 60),
      span('x', 'gone', 10, 50),
      span('x1', 'x', 12, 18),
    ]);
    expect(result?.rootSpanMissing).toBe(true);
    expect(result?.root.spanId).toBe('x');
    expect(result?.segments.map((s) => [s.span.spanId, Number(s.start), Number(s.end)])).toEqual([
      ['x', 10, 12],
      ['x1', 12, 18],
      ['x', 18, 20],
      ['y', 20, 50],
    ]);
  });

  it('ignores zero-length children and prefers the longer of children ending together', () => {
    expect(path([span('r', '', 0, 10), span('z', 'r', 5, 5)])).toEqual([['r', 0, 10]]);
    expect(
      path([span('r', '', 0, 10), span('short', 'r', 5, 10), span('long', 'r', 2, 10)]),
    ).toEqual([
      ['r', 0, 2],
      ['long', 2, 10],
    ]);
  });

  it('terminates on parent cycles and duplicate span ids', () => {
    expect(
      path([
        span('r', '', 0, 100),
        span('a', 'b', 10, 20),
        span('b', 'a', 10, 20),
        span('c', 'r', 30, 40),
        span('c', 'r', 50, 60),
        span('d', 'c', 52, 58),
      ]),
    ).toEqual([
      ['r', 0, 30],
      ['c', 30, 40],
      ['r', 40, 50],
      ['c', 50, 60],
      ['r', 60, 100],
    ]);
  });

  it('walks a 10,000-deep chain without overflowing the stack, covering the root exactly', () => {
    const n = 10_000;
    const spans = Array.from({ length: n }, (_, i) =>
      span(`s${i}`, i === 0 ? '' : `s${i - 1}`, i, 2 * n - i),
    );
    const segments = criticalPath(spans)?.segments ?? [];
    expect(segments).toHaveLength(2 * n - 1);
    let at = 0n;
    let gaps = 0;
    for (const s of segments) {
      if (s.start !== at) gaps++;
      at = s.end;
    }
    expect({ gaps, end: at }).toEqual({ gaps: 0, end: BigInt(2 * n) });
  });

  it('is null for a trace without spans', () => {
    expect(criticalPath([])).toBeNull();
  });
});
