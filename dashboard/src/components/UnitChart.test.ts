import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '@sightline/model/api/metrics';
import { plotted } from './point-values.ts';
import { chartRows, unitAxis } from './UnitChart.tsx';

const series = [
  {
    name: 'a',
    points: [
      [0, 1],
      [60_000, 2],
      [120_000, 0.5],
    ] as [number, number | null][],
  },
  { name: 'b', points: [[60_000, null]] as [number, number | null][] },
];

describe('chartRows', () => {
  it('draws a bucket that is still filling as a dashed tail, not as a drop', () => {
    const { rows, partialAt } = chartRows(series, 60_000, 150_000);
    expect(partialAt).toBe(120_000);
    expect(rows).toEqual([
      { t: 0, s0: 1, p0: null, s1: null, p1: null },
      { t: 60_000, s0: 2, p0: 2, s1: null, p1: null },
      { t: 120_000, s0: null, p0: 0.5, s1: null, p1: null },
    ]);
  });

  it('keeps every bucket solid once the last one has ended', () => {
    const { rows, partialAt } = chartRows(series, 60_000, 180_000);
    expect(partialAt).toBeNull();
    expect(rows.map((r) => r.s0)).toEqual([1, 2, 0.5]);
    expect(rows.every((r) => r.p0 === null)).toBe(true);
  });

  it('leaves a gap for NaN and infinities, and keeps their names for the tooltip', () => {
    const edge = [
      {
        name: 'e',
        points: [
          [0, 0],
          [60_000, 'NaN'],
          [120_000, '+Inf'],
          [180_000, '-Inf'],
          [240_000, null],
          [300_000, 2.5],
        ] as SeriesPoint[],
      },
    ];
    const { rows } = chartRows(edge, 60_000, 1e9);
    expect(rows).toEqual([
      { t: 0, s0: 0, p0: null },
      { t: 60_000, s0: null, p0: null, x0: 'NaN' },
      { t: 120_000, s0: null, p0: null, x0: '+Inf' },
      { t: 180_000, s0: null, p0: null, x0: '-Inf' },
      { t: 240_000, s0: null, p0: null },
      { t: 300_000, s0: 2.5, p0: null },
    ]);
    // The axis spans what is drawn: an infinity does not stretch it.
    expect(
      unitAxis(
        's',
        edge[0]!.points.flatMap(([, v]) => plotted(v) ?? []),
      ).ticks.at(-1),
    ).toBe(3);
  });

  it('has no rows without points', () => {
    expect(chartRows([], 60_000, 0)).toEqual({ rows: [], partialAt: null });
  });
});

describe('unitAxis', () => {
  it('reaches the top of a stack, not only the largest series', () => {
    expect(unitAxis('By', [512, 512], 1024).ticks.at(-1)).toBe(1024);
    expect(unitAxis('1', [0.02, 0.04]).ticks.at(-1)).toBeLessThanOrEqual(1);
  });
});
