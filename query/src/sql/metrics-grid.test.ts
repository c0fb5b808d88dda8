import { describe, expect, it } from 'vitest';
import { MAX_POINTS, resolveGrid, resolveRange } from './metrics-grid.ts';

const T = Date.UTC(2026, 0, 1, 10, 0, 0);

describe('resolveGrid', () => {
  it('widens the range to whole, epoch-aligned steps', () => {
    const g = resolveGrid({ fromMs: T + 30_000, toMs: T + 310_000 }, '1m', 120);
    expect(g).toEqual({ fromMs: T, toMs: T + 360_000, stepMs: 60_000, points: 6 });
  });

  it('keeps an aligned range as it is', () => {
    const g = resolveGrid({ fromMs: T, toMs: T + 600_000 }, '60', 120);
    expect(g).toEqual({ fromMs: T, toMs: T + 600_000, stepMs: 60_000, points: 10 });
  });

  it('picks a nice step giving at most the wanted points', () => {
    const g = resolveGrid({ fromMs: T, toMs: T + 3_600_000 }, undefined, 60);
    expect(g.stepMs).toBe(60_000);
    expect(g.points).toBe(60);
  });

  it('rejects a step too small for the range, naming the field', () => {
    const range = { fromMs: T, toMs: T + 86_400_000 };
    const tooSmall = () => resolveGrid(range, '1s', 120, 'queries[1].step');
    expect(tooSmall).toThrow(expect.objectContaining({ code: 'SL_ERR_STEP', statusCode: 400 }));
    expect(tooSmall).toThrow(/^queries\[1\]\.step: 1s is too small .*86400 points, at most 11000/);
    expect(resolveGrid(range, '8s', 120).points).toBe(10_800);
    expect(MAX_POINTS).toBe(11_000);
  });

  it('rejects a malformed step', () => {
    const malformed = () => resolveGrid({ fromMs: T, toMs: T + 1000 }, 'fast', 120);
    expect(malformed).toThrow(expect.objectContaining({ code: 'SL_ERR_STEP' }));
    expect(malformed).toThrow(/^step: /);
  });
});

describe('resolveRange', () => {
  it('names a query override in its errors', () => {
    expect(() =>
      resolveRange(String(T + 1000), String(T), T, {
        from: 'queries[0].from',
        to: 'queries[0].to',
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'SL_ERR_TIME_RANGE',
        message: 'queries[0].from: must be before queries[0].to',
      }),
    );
    expect(() =>
      resolveRange('yesterday', undefined, T, { from: 'queries[3].from', to: 'queries[3].to' }),
    ).toThrow(/^queries\[3\]\.from: /);
  });

  it('reads epoch milliseconds and ISO 8601', () => {
    expect(resolveRange('2026-01-01T09:00:00Z', String(T), T + 5)).toEqual({
      fromMs: T - 3_600_000,
      toMs: T,
    });
  });

  it('bounds the range', () => {
    expect(() =>
      resolveRange(String(T - 8 * 86_400_000), String(T), T, undefined, 7 * 86_400_000),
    ).toThrow(expect.objectContaining({ code: 'SL_ERR_TIME_RANGE' }));
  });
});
