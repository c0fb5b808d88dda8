import { describe, expect, it } from 'vitest';
import type { PromQLError } from '../../promql/errors.ts';
import { parsePromDuration, parsePromTime, PromParams } from './params.ts';

describe('Prometheus API times', () => {
  it('reads Unix seconds with decimals, rounded to the millisecond', () => {
    expect(parsePromTime('1700000000')).toBe(1_700_000_000_000);
    expect(parsePromTime('1700000000.123')).toBe(1_700_000_000_123);
    expect(parsePromTime('1700000000.1236')).toBe(1_700_000_000_124);
    expect(parsePromTime('0')).toBe(0);
    expect(parsePromTime('-1.5')).toBe(-1500);
    expect(parsePromTime('1.7e9')).toBe(1_700_000_000_000);
    expect(parsePromTime('.5')).toBe(500);
  });

  it('reads RFC 3339 with a zone, fractions truncated to the millisecond', () => {
    expect(parsePromTime('2023-11-14T22:13:20Z')).toBe(1_700_000_000_000);
    expect(parsePromTime('2023-11-14T22:13:20.1239Z')).toBe(1_700_000_000_123);
    expect(parsePromTime('2023-11-15T00:13:20+02:00')).toBe(1_700_000_000_000);
    expect(parsePromTime('2023-11-14T20:13:20.5-02:00')).toBe(1_700_000_000_500);
  });

  it('refuses what is neither', () => {
    for (const bad of [
      '',
      ' 1',
      'now',
      'NaN',
      'Inf',
      '1e999',
      '2023-11-14',
      '2023-02-30T00:00:00Z',
      '2023-11-14T22:13:20',
    ]) {
      expect(parsePromTime(bad), bad).toBeUndefined();
    }
  });
});

describe('Prometheus API durations', () => {
  it('reads Prometheus durations and float seconds in milliseconds', () => {
    expect(parsePromDuration('15')).toBe(15_000);
    expect(parsePromDuration('0.5')).toBe(500);
    expect(parsePromDuration('0')).toBe(0);
    expect(parsePromDuration('5m')).toBe(300_000);
    expect(parsePromDuration('1h30m')).toBe(5_400_000);
    expect(parsePromDuration('100ms')).toBe(100);
    expect(parsePromDuration('1d2h')).toBe(93_600_000);
    expect(parsePromDuration('1w')).toBe(604_800_000);
    expect(parsePromDuration('1y')).toBe(31_536_000_000);
  });

  it('says why a duration is refused', () => {
    expect(parsePromDuration('')).toBe('cannot parse "" to a valid duration');
    expect(parsePromDuration('5x')).toBe('cannot parse "5x" to a valid duration');
    expect(parsePromDuration('30m1h')).toBe('cannot parse "30m1h" to a valid duration');
    expect(parsePromDuration('1e300')).toBe(
      'cannot parse "1e300" to a valid duration. It overflows int64',
    );
  });
});

describe('PromParams', () => {
  it('reads the form body before the query string, keeping repeated keys', () => {
    const p = new PromParams(
      'match[]=up&time=1&match[]=b',
      'match%5B%5D=%7Bjob%3D%22a+b%22%7D&time=2',
    );
    expect(p.all('match[]')).toEqual(['{job="a b"}', 'up', 'b']);
    expect(p.get('time')).toBe('2');
    expect(p.time('time')).toBe(2000);
    expect(p.get('absent')).toBe('');
    expect(p.time('absent', 42)).toBe(42);
  });

  it('names the parameter at fault as Prometheus does', () => {
    const p = new PromParams('start=yesterday&step=5x&limit=-1');
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as PromQLError;
      }
      throw new Error('no error');
    };
    expect(err(() => p.time('start')).message).toBe(
      'invalid parameter "start": cannot parse "yesterday" to a valid timestamp',
    );
    expect(err(() => p.time('start')).errorType).toBe('bad_data');
    expect(err(() => p.duration('step')).message).toBe(
      'invalid parameter "step": cannot parse "5x" to a valid duration',
    );
    expect(err(() => p.limit()).message).toBe(
      'invalid parameter "limit": limit must be non-negative',
    );
    expect(
      err(() =>
        new PromParams('limit_per_metric=99999999999999999999999').limit('limit_per_metric'),
      ).message,
    ).toBe(
      'invalid parameter "limit_per_metric": cannot parse "99999999999999999999999" to a valid limit',
    );
    expect(new PromParams('limit=7').limit()).toBe(7);
    expect(new PromParams('').limit()).toBe(0);
  });
});
