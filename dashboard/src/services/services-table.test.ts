import { describe, expect, it } from 'vitest';
import type { ServiceRed } from '@sightline/model/api/services';
import { currentRate, readSort, sortRows, writeSort } from './services-table.ts';

describe('the current rate', () => {
  const series: [number, number | null][] = [
    [0, 1],
    [60_000, 2.5],
    [120_000, null],
    [180_000, 9],
  ];
  it('is the last bucket that has fully passed, never the one still filling', () => {
    expect(currentRate(series, 60_000, 200_000)).toEqual({
      perSecond: 0,
      fromMs: 120_000,
      toMs: 180_000,
    });
    expect(currentRate(series, 60_000, 240_000)).toEqual({
      perSecond: 9,
      fromMs: 180_000,
      toMs: 240_000,
    });
    expect(currentRate(series, 60_000, 179_999)?.perSecond).toBe(2.5);
    expect(currentRate(series, 60_000, 59_999)).toBeUndefined();
    expect(currentRate([], 60_000, 1e12)).toBeUndefined();
  });
});

describe('sorting services', () => {
  const row = (service: string, requestRate: number, p95Ms: number | null, now: number | null) =>
    ({
      service,
      requests: 0,
      errors: 0,
      requestRate,
      errorRate: null,
      p95Ms,
      now,
    }) as unknown as ServiceRed & {
      now: number | null;
    };
  const rows = [row('b', 2, 30, 1), row('a', 5, null, 0), row('c', 2, 10, null)];
  it('orders by the chosen column, missing values last, ties by name', () => {
    expect(sortRows(rows, readSort(null)).map((r) => r.service)).toEqual(['a', 'b', 'c']);
    expect(sortRows(rows, readSort('-rate')).map((r) => r.service)).toEqual(['a', 'b', 'c']);
    expect(sortRows(rows, readSort('rate')).map((r) => r.service)).toEqual(['b', 'c', 'a']);
    expect(sortRows(rows, readSort('p95')).map((r) => r.service)).toEqual(['c', 'b', 'a']);
    expect(sortRows(rows, readSort('-p95')).map((r) => r.service)).toEqual(['b', 'c', 'a']);
    expect(sortRows(rows, readSort('-now')).map((r) => r.service)).toEqual(['b', 'a', 'c']);
  });
  it('reads and writes the URL form, ignoring unknown columns', () => {
    expect(readSort('-errorRate')).toEqual({ key: 'errorRate', desc: true });
    expect(readSort('bogus')).toEqual({ key: 'service', desc: false });
    expect(writeSort({ key: 'p95', desc: true })).toBe('-p95');
  });
});
