import { describe, expect, it } from 'vitest';
import { hrefTo, matchRoute, parseLocation, withParams } from './router.ts';
import { readTimeRange, resolveRange, writeTimeRange, type TimeRange } from './time-range.ts';

const roundTrip = (r: TimeRange): TimeRange => {
  const p = new URLSearchParams();
  writeTimeRange(p, r);
  return readTimeRange(new URLSearchParams(p.toString()));
};

describe('time range in the URL', () => {
  it('round-trips relative and absolute ranges', () => {
    expect(roundTrip({ kind: 'relative', last: '24h' })).toEqual({ kind: 'relative', last: '24h' });
    const abs: TimeRange = { kind: 'absolute', from: 1_700_000_000_000, to: 1_700_000_360_000 };
    expect(roundTrip(abs)).toEqual(abs);
  });

  it('reads epoch ms and ISO bounds, and falls back to the last hour on nonsense', () => {
    expect(readTimeRange(new URLSearchParams('from=1000&to=2000'))).toEqual({
      kind: 'absolute',
      from: 1000,
      to: 2000,
    });
    expect(
      readTimeRange(new URLSearchParams('from=2026-01-01T00:00:00Z&to=2026-01-01T01:00:00Z')),
    ).toMatchObject({
      kind: 'absolute',
      from: Date.UTC(2026, 0, 1),
    });
    for (const bad of ['range=3y', 'from=2000&to=1000', 'from=yesterday&to=now', '']) {
      expect(readTimeRange(new URLSearchParams(bad))).toEqual({ kind: 'relative', last: '1h' });
    }
  });

  it('resolves a sliding range against the clock', () => {
    expect(resolveRange({ kind: 'relative', last: '15m' }, 1_000_000_000)).toEqual({
      from: 1_000_000_000 - 900_000,
      to: 1_000_000_000,
    });
  });
});

describe('links keep view state', () => {
  it('carries the time range to another page and drops empty filters', () => {
    const current = new URLSearchParams('range=7d&q=old');
    expect(hrefTo('/traces', { service: 'checkout', q: '' }, current)).toBe(
      '/traces?range=7d&service=checkout',
    );
  });

  it('lets a link set its own absolute range', () => {
    const href = hrefTo(
      '/logs',
      { q: 'trace_id:ab', from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:10:00.000Z' },
      new URLSearchParams('range=1h'),
    );
    const loc = parseLocation(href);
    expect(loc.params.get('range')).toBeNull();
    expect(readTimeRange(loc.params)).toEqual({
      kind: 'absolute',
      from: Date.UTC(2026, 0, 1),
      to: Date.UTC(2026, 0, 1, 0, 10),
    });
    expect(loc.params.get('q')).toBe('trace_id:ab');
  });

  it('changes one param and keeps the others, encoding what needs it', () => {
    const loc = parseLocation('/logs?range=1h&q=level%3Aerror');
    const next = withParams(loc, { q: 'service:"a b" -x', log: null });
    expect(parseLocation(next).params.get('q')).toBe('service:"a b" -x');
    expect(parseLocation(next).params.get('range')).toBe('1h');
  });

  it('maps paths to views, decoding names', () => {
    expect(matchRoute('/')).toEqual({ view: 'services' });
    expect(matchRoute('/services/check%20out')).toEqual({ view: 'service', service: 'check out' });
    expect(matchRoute('/traces/abc')).toEqual({ view: 'trace', traceId: 'abc' });
    expect(matchRoute('/logs')).toEqual({ view: 'logs' });
    expect(matchRoute('/explore/metrics')).toEqual({ view: 'metrics' });
    expect(matchRoute('/dashboards')).toEqual({ view: 'dashboards', id: null });
    expect(matchRoute('/dashboards/a%2Fb')).toEqual({ view: 'dashboards', id: 'a/b' });
    expect(matchRoute('/metrics')).toEqual({ view: 'not-found' });
    expect(matchRoute('/nope/a/b')).toEqual({ view: 'not-found' });
  });
});
