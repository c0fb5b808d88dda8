import { describe, expect, it } from 'vitest';
import type {
  Dashboard,
  DashboardInput,
  DashboardList,
  Panel,
  RowPanel,
} from '@sightline/model/api/dashboards';
import { callApi, sightline, useSightline } from './use-sightline.ts';

useSightline();

const url = (path: string) => `${sightline().apiUrl}/api/v1${path}`;

const call = callApi;

const errorOf = (body: unknown) => (body as { error: { code: string; message: string } }).error;

/** Two panels of different signals, a variable, non-ASCII text and zero/empty values. */
const board = (over: Partial<DashboardInput> = {}): DashboardInput => ({
  title: 'Checkout — Zahlung ✓',
  description: '',
  tags: ['payments', 'tier-1'],
  variables: [
    { name: 'service', source: { kind: 'services' }, multi: true, current: ['checkout'] },
  ],
  timeRange: { last: '1h' },
  refresh: 'off',
  panels: [
    {
      id: 'latency',
      title: 'p95 latency',
      type: 'timeseries',
      queries: [
        {
          signal: 'metrics',
          metric: 'http.server.duration',
          aggregation: 'p95',
          service: '$service',
        },
      ],
      options: { unit: 'ms', thresholds: [{ value: 0, color: 'green' }] },
      grid: { x: 0, y: 0, w: 12, h: 8 },
    },
    {
      id: 'errors',
      title: '',
      type: 'logs',
      queries: [{ signal: 'logs', q: 'service:$service level:error' }],
      options: { limit: 50 },
      grid: { x: 12, y: 0, w: 12, h: 8 },
    },
  ],
  ...over,
});

const create = async (input: DashboardInput = board()) => {
  const res = await call('POST', '/dashboards', input);
  expect(res.status).toBe(201);
  return res.body as Dashboard;
};

describe('dashboards API', () => {
  it('creates (201, version 1) and reads back every field as sent', async () => {
    const input = board();
    const d = await create(input);
    expect(d.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.version).toBe(1);
    expect(d.createdAt).toBe(d.updatedAt);
    const got = await call('GET', `/dashboards/${d.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      ...input,
      id: d.id,
      version: 1,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
    });
  });

  it('lists summaries and searches title words and tags, case-insensitively', async () => {
    const a = await create(board({ title: 'Ünïcode Overview', tags: ['edge'] }));
    const b = await create(board({ title: 'Kafka lag', tags: ['streaming'], panels: [] }));
    const all = (await call('GET', '/dashboards')).body as DashboardList;
    const ids = all.dashboards.map((x) => x.id);
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(all.dashboards.find((x) => x.id === b.id)).toEqual({
      id: b.id,
      title: 'Kafka lag',
      description: '',
      tags: ['streaming'],
      panels: 0,
      version: 1,
      updatedAt: b.updatedAt,
    });
    const byWord = (await call('GET', '/dashboards?search=%C3%BCn%C3%AFcode'))
      .body as DashboardList;
    expect(byWord.dashboards.map((x) => x.id)).toEqual([a.id]);
    const byTagWord = (await call('GET', '/dashboards?search=STREAM')).body as DashboardList;
    expect(byTagWord.dashboards.map((x) => x.id)).toEqual([b.id]);
    const byTag = (await call('GET', '/dashboards?tag=edge')).body as DashboardList;
    expect(byTag.dashboards.map((x) => x.id)).toEqual([a.id]);
    const none = (await call('GET', '/dashboards?search=kafka%20overview')).body as DashboardList;
    expect(none.dashboards).toEqual([]);
  });

  it('saves a new version on PUT and answers 409 to a stale version', async () => {
    const d = await create();
    const edit = { ...board({ title: 'Renamed' }), version: 1 };
    const saved = await call('PUT', `/dashboards/${d.id}`, { ...edit, extra: 'not kept' });
    expect(saved.status).toBe(200);
    const v2 = saved.body as Dashboard;
    expect(v2.version).toBe(2);
    expect(v2.title).toBe('Renamed');
    expect(v2.createdAt).toBe(d.createdAt);
    expect(v2).not.toHaveProperty('extra');

    const stale = await call('PUT', `/dashboards/${d.id}`, { ...edit, title: 'Lost edit' });
    expect(stale.status).toBe(409);
    expect(errorOf(stale.body).code).toBe('SL_ERR_CONFLICT');
    expect(errorOf(stale.body).message).toMatch(/^version: .*version 2 since version 1/);
    expect(((await call('GET', `/dashboards/${d.id}`)).body as Dashboard).title).toBe('Renamed');
  });

  it('lets exactly one of two concurrent saves of the same version win', async () => {
    const d = await create();
    const results = await Promise.all(
      ['first', 'second'].map((t) =>
        call('PUT', `/dashboards/${d.id}`, { ...board({ title: t }), version: 1 }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!.body as Dashboard;
    expect(((await call('GET', `/dashboards/${d.id}`)).body as Dashboard).title).toBe(winner.title);
  });

  it('deletes (204), after which the id answers 404 everywhere', async () => {
    const d = await create();
    expect((await call('DELETE', `/dashboards/${d.id}`)).status).toBe(204);
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { ...board(), version: 1 }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call(method, `/dashboards/${d.id}`, body);
      expect(res.status, method).toBe(404);
      expect(errorOf(res.body)).toMatchObject({ code: 'SL_ERR_NOT_FOUND' });
      expect(errorOf(res.body).message).toContain(d.id);
    }
    const list = (await call('GET', '/dashboards')).body as DashboardList;
    expect(list.dashboards.map((x) => x.id)).not.toContain(d.id);
  });

  it('answers 404 for an id never saved', async () => {
    const res = await call('GET', '/dashboards/no-such-board');
    expect(res.status).toBe(404);
    expect(errorOf(res.body).message).toBe("no dashboard with id 'no-such-board'");
  });

  it('keeps rows, collapsed ones with their panels inside, and panels of several queries', async () => {
    const [latency, logs] = board().panels as [Panel, Panel];
    const twoAxes: Panel = {
      ...latency,
      id: 'two-axes',
      queries: [
        { signal: 'traces', service: '$service', measure: 'p95', axis: 'left' },
        { signal: 'promql', expr: 'sum(rate(http_requests_total{job="$service"}[5m]))' },
      ],
    };
    const open: RowPanel = {
      id: 'r1',
      type: 'row',
      title: 'Ünïcode row',
      collapsed: false,
      panels: [],
      grid: { x: 0, y: 0, w: 24, h: 1 },
    };
    const shut: RowPanel = {
      id: 'r2',
      type: 'row',
      title: '',
      collapsed: true,
      panels: [{ ...logs, grid: { x: 0, y: 10, w: 24, h: 8 } }],
      grid: { x: 0, y: 9, w: 24, h: 1 },
    };
    const input = board({ panels: [open, twoAxes, shut] });
    const d = await create(input);
    const got = (await call('GET', `/dashboards/${d.id}`)).body as Dashboard;
    expect(got.panels).toEqual(input.panels);
    const list = (await call('GET', `/dashboards?search=zahlung`)).body as DashboardList;
    expect(list.dashboards.find((x) => x.id === d.id)?.panels).toBe(3);
  });

  it("takes a board of the older one-query panels (an old export) in today's shape", async () => {
    const [latency, logs] = board().panels as [Panel, Panel];
    const old = (p: Panel) => {
      const { queries, ...rest } = p;
      return { ...rest, query: queries[0] };
    };
    const res = await call('POST', '/dashboards', {
      ...board(),
      panels: [old(latency), old(logs)],
    });
    expect(res.status).toBe(201);
    const got = (await call('GET', `/dashboards/${(res.body as Dashboard).id}`)).body as Dashboard;
    expect(got.panels).toEqual([latency, logs]);
    expect(got.panels[0]).not.toHaveProperty('query');
  });

  const panel0 = board().panels[0] as Panel;
  const logsQ = { signal: 'logs', q: 'level:error' } as const;
  const row: RowPanel = {
    id: 'row',
    type: 'row',
    title: 'Row',
    collapsed: true,
    panels: [],
    grid: { x: 0, y: 20, w: 24, h: 1 },
  };
  const bad: [string, unknown, RegExp][] = [
    ['empty title', { ...board(), title: '' }, /body\/title/],
    ['missing panels', { ...board(), panels: undefined }, /panels/],
    [
      'unknown panel type',
      board({ panels: [{ ...panel0, type: 'pie' as 'stat' }] }),
      /body\/panels\/0\/type/,
    ],
    [
      'negative grid x',
      board({ panels: [{ ...panel0, grid: { x: -1, y: 0, w: 4, h: 4 } }] }),
      /body\/panels\/0\/grid\/x/,
    ],
    [
      'grid past 24 columns',
      board({ panels: [{ ...panel0, grid: { x: 20, y: 0, w: 8, h: 4 } }] }),
      /^body\/panels\[0\]\.grid: x \+ w is 28/,
    ],
    [
      'duplicate panel id',
      board({ panels: [panel0, panel0] }),
      /^body\/panels\[1\]\.id: 'latency' is already the id of panels\[0\]/,
    ],
    [
      'undefined variable',
      board({ variables: [] }),
      /^body\/panels\[0\]\.queries\[0\]\.service: \$service is not a variable/,
    ],
    [
      'log list over metrics',
      board({ panels: [{ ...panel0, type: 'logs' }] }),
      /^body\/panels\[0\]\.queries\[0\]\.signal: a logs panel cannot show metrics/,
    ],
    [
      'bad variable name',
      board({
        variables: [{ name: '1x', source: { kind: 'services' }, multi: false, current: [] }],
      }),
      /body\/variables\/0\/name/,
    ],
    [
      'two values for a single variable',
      board({
        variables: [
          { name: 'service', source: { kind: 'services' }, multi: false, current: ['a', 'b'] },
        ],
      }),
      /^body\/variables\[0\]\.current/,
    ],
    [
      'a log list of two searches',
      board({ panels: [{ ...panel0, type: 'logs', queries: [logsQ, logsQ] }] }),
      /^body\/panels\[0\]\.queries: a logs panel shows one search, not 2/,
    ],
    [
      'a panel without a query',
      board({ panels: [{ ...panel0, queries: [] }] }),
      /body\/panels\/0\/queries/,
    ],
    [
      'an unknown axis',
      board({ panels: [{ ...panel0, queries: [{ ...logsQ, axis: 'top' as 'left' }] }] }),
      /body\/panels\/0\/queries\/0\/axis/,
    ],
    [
      'an expanded row holding panels',
      board({ panels: [{ ...row, collapsed: false, panels: [panel0] }] }),
      /^body\/panels\[0\]\.panels: an expanded row keeps its panels on the board/,
    ],
    [
      'a collapsed panel reusing an id',
      board({ panels: [panel0, { ...row, panels: [panel0] }] }),
      /^body\/panels\[1\]\.panels\[0\]\.id: 'latency' is already the id of panels\[0\]/,
    ],
    [
      'a collapsed panel with an unknown variable',
      board({
        panels: [{ ...row, panels: [{ ...panel0, queries: [{ signal: 'logs', q: '$nope' }] }] }],
      }),
      /^body\/panels\[0\]\.panels\[0\]\.queries\[0\]\.q: \$nope is not a variable/,
    ],
    ['unknown refresh', { ...board(), refresh: '1s' }, /body\/refresh/],
  ];
  it.each(bad)('refuses %s with a 400 naming the field', async (_what, body, message) => {
    const res = await call('POST', '/dashboards', body);
    expect(res.status).toBe(400);
    expect(errorOf(res.body).code).toBe('SL_ERR_VALIDATION');
    expect(errorOf(res.body).message).toMatch(message);
  });

  it('refuses a PUT without a version, naming it, and keeps the saved document', async () => {
    const d = await create();
    const res = await call('PUT', `/dashboards/${d.id}`, board({ title: 'no version' }));
    expect(res.status).toBe(400);
    expect(errorOf(res.body).message).toMatch(/version/);
    expect(((await call('GET', `/dashboards/${d.id}`)).body as Dashboard).version).toBe(1);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const res = await fetch(url('/dashboards'), {
      method: 'POST',
      body: '{"title":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
  });
});
