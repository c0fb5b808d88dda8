import { describe, expect, it } from 'vitest';
import { span, T0 } from './span-fixture.ts';
import {
  ancestorsOf,
  buildTree,
  criticalBySpan,
  flattenTree,
  rulerTicks,
} from './waterfall-layout.ts';

// root ─┬─ b (starts 5) ── d
//       └─ a (starts 1)
// plus c, whose parent never arrived
const SPANS = [
  span('root', '', 0, 100),
  span('b', 'root', 5, 50),
  span('a', 'root', 1, 10),
  span('d', 'b', 6, 20),
  span('c', 'gone', 30, 5),
];

describe('waterfall layout', () => {
  it('orders children by start time, depth first, with orphans as extra roots', () => {
    const rows = flattenTree(buildTree(SPANS), new Set());
    expect(rows.map((r) => [r.span.spanId, r.depth])).toEqual([
      ['root', 0],
      ['a', 1],
      ['b', 1],
      ['d', 2],
      ['c', 0],
    ]);
    expect(rows.find((r) => r.span.spanId === 'c')?.orphan).toBe(true);
    expect(rows[0]?.orphan).toBe(false);
  });

  it('hides the subtree of a collapsed span but keeps the span with its child count', () => {
    const rows = flattenTree(buildTree(SPANS), new Set(['root']));
    expect(rows.map((r) => r.span.spanId)).toEqual(['root', 'c']);
    expect(rows[0]).toMatchObject({ collapsed: true, childCount: 2 });
  });

  it('places bars relative to the earliest span, in ms', () => {
    const tree = buildTree(SPANS);
    expect(tree.durationMs).toBe(100);
    const d = flattenTree(tree, new Set()).find((r) => r.span.spanId === 'd');
    expect(d).toMatchObject({ offsetMs: 6, durationMs: 20 });
  });

  it('flattens a 10,000-deep chain without recursion, and survives a parent cycle', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) =>
      span(`s${i}`, i === 0 ? '' : `s${i - 1}`, i * 0.01, 1),
    );
    const rows = flattenTree(buildTree(chain), new Set());
    expect(rows).toHaveLength(10_000);
    expect(rows[9_999]?.depth).toBe(9_999);
    const cycle = [span('x', 'y', 0, 1), span('y', 'x', 1, 1)];
    expect(
      flattenTree(buildTree(cycle), new Set())
        .map((r) => r.span.spanId)
        .sort(),
    ).toEqual(['x', 'y']);
  });

  it('finds ancestors to expand and maps critical-path segments to spans', () => {
    const tree = buildTree(SPANS);
    expect(ancestorsOf(tree, 'd')).toEqual(['b', 'root']);
    const seg = (id: string, a: number, b: number) => ({
      spanId: id,
      serviceName: 'svc',
      name: id,
      startTimeUnixNano: (T0 + BigInt(a * 1e6)).toString(),
      endTimeUnixNano: (T0 + BigInt(b * 1e6)).toString(),
      durationNano: BigInt((b - a) * 1e6).toString(),
    });
    const crit = criticalBySpan(tree, [
      seg('root', 0, 5),
      seg('b', 5, 6),
      seg('d', 6, 26),
      seg('b', 26, 55),
      seg('root', 55, 100),
    ]);
    expect(crit.get('b')).toEqual([
      [5, 6],
      [26, 55],
    ]);
    expect(crit.has('a')).toBe(false);
  });

  it('puts ruler ticks on round values', () => {
    expect(rulerTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(rulerTicks(0)).toEqual([0]);
  });
});
