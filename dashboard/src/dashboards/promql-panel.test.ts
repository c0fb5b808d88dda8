import { afterEach, describe, expect, it, vi } from 'vitest';
import { dashboardProblem } from '@sightline/model/api/dashboard-check';
import type { DashboardInput, Panel } from '@sightline/model/api/dashboards';
import { loadPanel } from './panel-data.ts';
import { applyVariables } from './variables.ts';

afterEach(() => vi.unstubAllGlobals());

const panel = (type: Panel['type'], expr: string): Panel => ({
  id: 'p1',
  title: 'PromQL',
  type,
  queries: [{ signal: 'promql', expr }],
  options: {},
  grid: { x: 0, y: 0, w: 12, h: 8 },
});

const board = (p: Panel): DashboardInput => ({
  title: 'b',
  description: '',
  tags: [],
  variables: [],
  timeRange: { last: '1h' },
  refresh: 'off',
  panels: [p],
});

describe('PromQL panels', () => {
  it('fill variables as Grafana does: one value as is, several as a regex alternation, none as any', () => {
    const q = { signal: 'promql' as const, expr: 'up{job=~"$job", zone="$zone"}' };
    expect(applyVariables(q, { job: ['api'], zone: ['eu'] })).toEqual({
      ...q,
      expr: 'up{job=~"api", zone="eu"}',
    });
    expect(applyVariables(q, { job: ['api', 'web'], zone: [] })).toEqual({
      ...q,
      expr: 'up{job=~"api|web", zone=".*"}',
    });
  });

  it('are checked like the others: time series, stat and bar only; known variables only', () => {
    expect(dashboardProblem(board(panel('timeseries', 'up')))).toBeNull();
    expect(dashboardProblem(board(panel('logs', 'up')))).toBe(
      'panels[0].queries[0].signal: a logs panel cannot show promql',
    );
    expect(dashboardProblem(board(panel('stat', 'up{job="$job"}')))).toBe(
      'panels[0].queries[0].expr: $job is not a variable of this dashboard',
    );
  });

  it("load the expression's range query on a round step, in the unit its name gives", async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      urls.push(url);
      const body = {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { __name__: 'mem_bytes', job: 'api' },
              values: [
                [1800, '1024'],
                [1860, 'NaN'],
              ],
            },
          ],
        },
      };
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
    });
    const data = await loadPanel(
      panel('timeseries', 'mem_bytes'),
      { from: 1_800_000, to: 1_920_000, step: '1m' },
      new AbortController().signal,
    );
    const url = new URL(urls[0]!, 'http://x');
    expect(url.pathname).toBe('/prometheus/api/v1/query_range');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      query: 'mem_bytes',
      start: '1800',
      end: '1920',
      step: '60',
    });
    expect(data).toEqual({
      kind: 'series',
      from: 1_800_000,
      to: 1_920_000,
      step: 60_000,
      series: [
        {
          name: 'mem_bytes{job="api"}',
          unit: 'By',
          // NaN is a gap on the chart; the grid's last step has no sample.
          points: [
            [1_800_000, 1024],
            [1_860_000, null],
            [1_920_000, null],
          ],
        },
      ],
    });
  });
});
