import { describe, expect, it } from 'vitest';
import { explorerHref, statValues, thresholdColor } from './PanelBody.tsx';

describe('thresholdColor', () => {
  const ts = [
    { value: 95, color: 'red' as const },
    { value: 0, color: 'green' as const },
    { value: 80, color: 'amber' as const },
  ];
  it.each([
    [null, undefined],
    [-1, undefined],
    [0, 'green'],
    [79.9, 'green'],
    [80, 'amber'],
    [1e9, 'red'],
  ])('%s → %s', (v, color) => {
    expect(thresholdColor(v, ts)).toBe(color);
  });
  it('colours nothing without thresholds', () => {
    expect(thresholdColor(5)).toBeUndefined();
  });
});

describe('explorerHref', () => {
  const from = Date.UTC(2026, 0, 1);
  const to = from + 3_600_000;
  const params = (href: string) => Object.fromEntries(new URL(href, 'http://x').searchParams);
  it('opens the logs search, the trace search and the metrics explorer over the same window', () => {
    expect(params(explorerHref({ signal: 'logs', q: 'level:error ü' }, from, to))).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-01T01:00:00.000Z',
      q: 'level:error ü',
    });
    const traces = explorerHref(
      { signal: 'traces', service: 'checkout', q: 'status:error' },
      from,
      to,
    );
    expect(traces.startsWith('/traces?')).toBe(true);
    expect(params(traces)).toMatchObject({ service: 'checkout', q: 'status:error' });
    const metrics = explorerHref(
      {
        signal: 'metrics',
        metric: 'http.server.request.duration',
        aggregation: 'p95',
        groupBy: ['http.route'],
        filters: [{ key: 'service.name', op: 'neq', value: 'a|b' }],
      },
      from,
      to,
    );
    expect(metrics.startsWith('/explore/metrics?')).toBe(true);
    expect(params(metrics).m).toBe(
      'http.server.request.duration|p95|http.route|service.name!%3Da%7Cb',
    );
  });
});

describe('statValues', () => {
  it('adds series up within a unit and keeps one figure a unit', () => {
    const s = (unit: string, v: number | null) => ({
      name: unit,
      unit,
      points: [[0, v]] as [number, number | null][],
    });
    expect(statValues([s('ms', 2), s('{requests}/s', 5), s('ms', 3), s('ms', null)])).toEqual([
      { unit: 'ms', value: 5 },
      { unit: '{requests}/s', value: 5 },
    ]);
    expect(statValues([s('By', null)])).toEqual([{ unit: 'By', value: null }]);
  });
});
