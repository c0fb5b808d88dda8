import { describe, expect, it } from 'vitest';
import {
  MAX_RANGE_NS,
  parseInstantNs,
  resolveTimeRange,
  TimeRangeError,
} from './trace-time-range.ts';

const MS = 1_000_000n;
const NOW = Date.UTC(2024, 4, 1, 12, 0, 0); // 2024-05-01T12:00:00Z

describe('parseInstantNs', () => {
  it('reads epoch milliseconds and ISO-8601 to the nanosecond', () => {
    expect(parseInstantNs('1714564800000')).toBe(BigInt(NOW) * MS);
    expect(parseInstantNs('2024-05-01T12:00:00Z')).toBe(BigInt(NOW) * MS);
    expect(parseInstantNs('2024-05-01T12:00:00.123456789Z')).toBe(BigInt(NOW) * MS + 123_456_789n);
    expect(parseInstantNs('2024-05-01T14:00:00+02:00')).toBe(BigInt(NOW) * MS);
    expect(parseInstantNs('2024-05-01T07:30-0430')).toBe(BigInt(NOW) * MS);
    expect(parseInstantNs('2024-05-01')).toBe(BigInt(Date.UTC(2024, 4, 1)) * MS);
    // No zone means UTC, whatever the server's time zone.
    expect(parseInstantNs('2024-05-01T12:00:00')).toBe(BigInt(NOW) * MS);
  });

  it('refuses what is not an instant', () => {
    for (const text of [
      '',
      'yesterday',
      '1e12',
      '-1',
      '2024-02-30',
      '2024-13-01',
      '2024-05-01T24:00:00Z',
      '2024-05-01T12:60Z',
      '2024-05-01T12:00:00+25:00',
      'May 1, 2024',
      '2024-05-01T12:00:00.1234567891Z',
    ]) {
      expect({ text, ns: parseInstantNs(text) }).toEqual({ text, ns: null });
    }
  });
});

describe('resolveTimeRange', () => {
  it('defaults to the hour before now, or before to', () => {
    expect(resolveTimeRange(undefined, undefined, NOW)).toEqual({
      from: BigInt(NOW - 3_600_000) * MS,
      to: BigInt(NOW) * MS,
    });
    expect(resolveTimeRange(undefined, '2024-05-01T00:00:00Z', NOW)).toEqual({
      from: BigInt(Date.UTC(2024, 3, 30, 23)) * MS,
      to: BigInt(Date.UTC(2024, 4, 1)) * MS,
    });
    expect(resolveTimeRange('2024-05-01T11:00:00Z', undefined, NOW).to).toBe(BigInt(NOW) * MS);
  });

  it('names the parameter at fault', () => {
    expect(() => resolveTimeRange('soon', undefined, NOW)).toThrow(/^from: expected ISO-8601/);
    expect(() => resolveTimeRange(undefined, 'later', NOW)).toThrow(/^to: expected ISO-8601/);
    expect(() => resolveTimeRange('1969-12-31', '2024-01-01', NOW)).toThrow(
      /^from: must not be before 1970/,
    );
  });

  it('requires from before to and at most 31 days between them', () => {
    expect(() => resolveTimeRange('2024-05-01', '2024-05-01', NOW)).toThrow(TimeRangeError);
    expect(() => resolveTimeRange('2024-05-02', '2024-05-01', NOW)).toThrow(
      /from must be before to/,
    );
    const from = BigInt(Date.UTC(2024, 0, 1)) * MS;
    expect(resolveTimeRange('2024-01-01', '2024-02-01', NOW)).toEqual({
      from,
      to: from + MAX_RANGE_NS,
    });
    expect(() => resolveTimeRange('2024-01-01', '2024-02-01T00:00:00.000000001Z', NOW)).toThrow(
      /more than 31 days/,
    );
    expect(() => resolveTimeRange('x', undefined, NOW)).toThrow(
      expect.objectContaining({ code: 'SL_ERR_INVALID_TIME_RANGE', statusCode: 400 }),
    );
  });
});
