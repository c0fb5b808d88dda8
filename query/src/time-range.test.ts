import { describe, expect, it } from 'vitest';
import {
  autoStepSeconds,
  bucketCount,
  bucketStartsMs,
  formatSeconds,
  parseStep,
  parseTime,
  parseTimeRange,
  resolveStep,
} from './time-range.ts';

const T = Date.UTC(2024, 4, 1, 12, 0, 0); // 2024-05-01T12:00:00Z

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('parseTime', () => {
  it('reads ISO-8601 with Z, offsets, fractions and bare dates as UTC instants', () => {
    expect(parseTime('2024-05-01T12:00:00Z', 'from')).toBe(T);
    expect(parseTime('2024-05-01t12:00z', 'from')).toBe(T);
    expect(parseTime('2024-05-01 14:00:00+02:00', 'from')).toBe(T);
    expect(parseTime('2024-05-01T07:30:00-0430', 'from')).toBe(T);
    expect(parseTime('2024-05-01T13:00:00+01', 'from')).toBe(T);
    expect(parseTime('2024-05-01T12:00:00.123456789Z', 'from')).toBe(T + 123);
    expect(parseTime('2024-05-01T12:00:00.5Z', 'from')).toBe(T + 500);
    expect(parseTime('2024-05-01', 'from')).toBe(Date.UTC(2024, 4, 1));
    expect(parseTime('2024-02-29T00:00:00Z', 'from')).toBe(Date.UTC(2024, 1, 29));
  });

  it('reads epoch milliseconds', () => {
    expect(parseTime(String(T), 'to')).toBe(T);
    expect(parseTime(` ${T} `, 'to')).toBe(T);
  });

  it('refuses times without a zone, impossible dates, seconds and junk, naming the parameter', () => {
    for (const bad of [
      '2024-05-01T12:00:00', // local time: ambiguous
      '2023-02-29T00:00:00Z',
      '2024-13-01',
      '2024-05-01T24:00:00Z',
      '2024-05-01T12:60:00Z',
      '2024-05-01T12:00:00+25:00',
      'yesterday',
      '-1',
      '1.5e12',
      '',
    ]) {
      const err = codeOf(() => parseTime(bad, 'from'));
      expect(err.code, bad).toBe('SL_ERR_TIME_RANGE');
      expect(err.message, bad).toMatch(/^from: /);
    }
    expect(codeOf(() => parseTime('1714564800', 'to')).message).toBe(
      'to: 1714564800 looks like seconds; expected epoch milliseconds or ISO-8601',
    );
    expect(codeOf(() => parseTime('2200-01-01', 'to')).message).toMatch(/^to: .*out of range/);
  });
});

describe('parseTimeRange', () => {
  it('defaults to the 15 minutes before now, or before `to`', () => {
    expect(parseTimeRange({}, { nowMs: T })).toEqual({ fromMs: T - 900_000, toMs: T });
    expect(parseTimeRange({ to: String(T) })).toEqual({ fromMs: T - 900_000, toMs: T });
    expect(parseTimeRange({ from: String(T - 1000) }, { nowMs: T })).toEqual({
      fromMs: T - 1000,
      toMs: T,
    });
    expect(parseTimeRange({}, { nowMs: T, defaultRangeMs: 60_000 }).fromMs).toBe(T - 60_000);
  });

  it('requires from < to and a bounded length', () => {
    expect(codeOf(() => parseTimeRange({ from: String(T), to: String(T) })).message).toBe(
      'from (2024-05-01T12:00:00.000Z) must be before to (2024-05-01T12:00:00.000Z)',
    );
    expect(codeOf(() => parseTimeRange({ from: String(T + 1) }, { nowMs: T })).code).toBe(
      'SL_ERR_TIME_RANGE',
    );
    const tooLong = codeOf(() =>
      parseTimeRange({ from: '2024-01-01', to: '2024-03-01' }, { maxRangeMs: 31 * 86_400_000 }),
    );
    expect(tooLong.code).toBe('SL_ERR_TIME_RANGE');
    expect(tooLong.message).toBe('from/to span 60d; at most 31d may be queried at once');
    expect(parseTimeRange({ from: '2024-01-01', to: '2024-02-01' })).toEqual({
      fromMs: Date.UTC(2024, 0, 1),
      toMs: Date.UTC(2024, 1, 1),
    });
  });
});

describe('steps and buckets', () => {
  it('parses 30s, 5m, 1h, 1d and plain seconds', () => {
    expect(parseStep('30s')).toBe(30);
    expect(parseStep('5m')).toBe(300);
    expect(parseStep('1h')).toBe(3600);
    expect(parseStep('2d')).toBe(172_800);
    expect(parseStep('45')).toBe(45);
    for (const bad of ['0', '0s', '1.5m', '-5m', '5 m', 'm', '5w', '']) {
      const err = codeOf(() => parseStep(bad));
      expect(err.code, bad).toBe('SL_ERR_STEP');
      expect(err.message, bad).toMatch(/^step: /);
    }
  });

  it('counts every epoch-aligned bucket a half-open range touches', () => {
    const r = { fromMs: T, toMs: T + 600_000 };
    expect(bucketCount(r, 60)).toBe(10);
    expect(bucketStartsMs(r, 60)).toEqual(Array.from({ length: 10 }, (_, i) => T + i * 60_000));
    // Unaligned edges add partial buckets at both ends; `to` itself is excluded.
    expect(bucketStartsMs({ fromMs: T + 30_000, toMs: T + 120_001 }, 60)).toEqual([
      T,
      T + 60_000,
      T + 120_000,
    ]);
    expect(bucketCount({ fromMs: T + 30_000, toMs: T + 120_000 }, 60)).toBe(2);
    expect(bucketCount({ fromMs: T, toMs: T + 1 }, 3600)).toBe(1);
  });

  it('picks automatic steps that give 60–120 buckets from a minute-long range up to a month', () => {
    for (let rangeMs = 120_000; rangeMs <= 31 * 86_400_000; rangeMs = Math.ceil(rangeMs * 1.07)) {
      for (const fromMs of [T, T + 12_345]) {
        const range = { fromMs, toMs: fromMs + rangeMs };
        const step = autoStepSeconds(range);
        const n = bucketCount(range, step);
        expect(n, `${rangeMs} ms → ${step}s`).toBeLessThanOrEqual(120);
        expect(n, `${rangeMs} ms → ${step}s`).toBeGreaterThanOrEqual(55);
      }
    }
    expect(autoStepSeconds({ fromMs: T, toMs: T + 3_600_000 })).toBe(30);
    expect(autoStepSeconds({ fromMs: T, toMs: T + 86_400_000 })).toBe(900);
    expect(autoStepSeconds({ fromMs: T, toMs: T + 10_000 })).toBe(1);
    expect(autoStepSeconds({ fromMs: T, toMs: T + 400 * 86_400_000 })).toBe(4 * 86_400);
  });

  it('caps the buckets an explicit step makes', () => {
    const day = { fromMs: T, toMs: T + 86_400_000 };
    expect(resolveStep('1m', day)).toBe(60);
    expect(resolveStep(undefined, day)).toBe(900);
    const err = codeOf(() => resolveStep('10s', day));
    expect(err.code).toBe('SL_ERR_STEP');
    expect(err.message).toBe(
      'step: 10s over this range makes 8640 buckets; at most 2000 (use a larger step or leave it out)',
    );
  });

  it('formats seconds with the largest even unit', () => {
    expect([90, 300, 7200, 86_400, 1].map(formatSeconds)).toEqual(['90s', '5m', '2h', '1d', '1s']);
  });
});
