import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadPanel } from './panel-data.ts';

afterEach(() => vi.unstubAllGlobals());

const matrix = (name: string, values: [number, string][]) => ({
  status: 'success',
  data: { resultType: 'matrix', result: [{ metric: { __name__: name, job: 'api' }, values }] },
});

describe('a panel of several queries', () => {
  it('loads every query and names each series after its query, in its own unit and axis', async () => {
    const asked: string[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      const expr = new URL(url, 'http://x').searchParams.get('query') ?? '';
      asked.push(expr);
      const body = expr.startsWith('latency')
        ? matrix('latency_seconds', [[60, '0.25']])
        : matrix('queue_bytes', [[60, '2048']]);
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
    });
    const data = await loadPanel(
      {
        type: 'timeseries',
        options: {},
        queries: [
          { signal: 'promql', expr: 'latency_seconds' },
          { signal: 'promql', expr: 'queue_bytes', axis: 'left' },
        ],
      },
      { from: 60_000, to: 120_000, step: '1m' },
      new AbortController().signal,
    );
    expect(asked.sort()).toEqual(['latency_seconds', 'queue_bytes']);
    if (data.kind !== 'series') throw new Error(data.kind);
    expect(data.series.map((s) => [s.name, s.unit, s.axis, s.points[0]])).toEqual([
      ['A · latency_seconds{job="api"}', 's', undefined, [60_000, 0.25]],
      ['B · queue_bytes{job="api"}', 'By', 'left', [60_000, 2048]],
    ]);
  });

  it('lets the panel unit override what every query says', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        new Response(JSON.stringify(matrix('x_seconds', [[60, '1']])), { status: 200 }),
      ),
    );
    const data = await loadPanel(
      { type: 'stat', options: { unit: 'ms' }, queries: [{ signal: 'promql', expr: 'x_seconds' }] },
      { from: 60_000, to: 120_000, step: '1m' },
      new AbortController().signal,
    );
    expect(data.kind === 'series' && data.series.map((s) => [s.name, s.unit])).toEqual([
      ['x_seconds{job="api"}', 'ms'],
    ]);
  });
});
