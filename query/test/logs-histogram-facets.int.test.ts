import { beforeAll, describe, expect, it } from 'vitest';
import type { LogFacetsResponse, LogHistogramResponse } from '@sightline/model/api/logs';
import { MIN, get, ns, searchAll, send, windowOf, type Params } from './logs-fixtures.ts';
import { useSightline } from './use-sightline.ts';

/** The logs API end to end: histogram and facets, each checked against the search. */
useSightline();

describe('GET /logs/histogram', () => {
  const w = windowOf(1);
  const at = (sec: number, extraNs = 0n) => ns(w.from + sec * 1000, extraNs);

  beforeAll(async () => {
    await send([
      { ts: at(0), body: 'h info 1', service: 'h', sev: 9 },
      { ts: at(1), body: 'h info 2', service: 'h', sev: 12 },
      { ts: at(2), body: 'h error 1', service: 'h', sev: 17 },
      { ts: at(59, 999_999_999n), body: 'h debug edge', service: 'h', sev: 5 },
      { ts: at(60), body: 'h warn', service: 'h', sev: 16 },
      { ts: at(180), body: 'h fatal', service: 'h', sev: 21 },
      { ts: at(185), body: 'h trace', service: 'h', sev: 1 },
      { ts: at(300), body: 'h notice', service: 'h', text: 'notice' },
      { ts: at(301), body: 'h text error', service: 'h', text: 'ERROR' },
      { ts: at(302), body: 'h nothing', service: 'h' },
      { ts: at(599, 500_000_000n), body: 'h info last', service: 'h', sev: 10 },
      { ts: ns(w.to), body: 'h after', service: 'h', sev: 9 },
      { ts: ns(w.from) - 1n, body: 'h before', service: 'h', sev: 9 },
    ]);
  });

  const zero = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0, unknown: 0, total: 0 };

  it('counts per step and severity, every bucket present, summing to the search total', async () => {
    const r = await get<LogHistogramResponse>('/logs/histogram', {
      from: w.from,
      to: w.to,
      step: '1m',
    });
    expect(r.status).toBe(200);
    const expected = Array.from({ length: 10 }, (_, i) => ({ ...zero, start: w.from + i * MIN }));
    Object.assign(expected[0]!, { info: 2, error: 1, debug: 1, total: 4 });
    Object.assign(expected[1]!, { warn: 1, total: 1 });
    Object.assign(expected[3]!, { fatal: 1, trace: 1, total: 2 });
    Object.assign(expected[5]!, { unknown: 2, error: 1, total: 3 });
    Object.assign(expected[9]!, { info: 1, total: 1 });
    expect(r.body).toEqual({
      from: w.from,
      to: w.to,
      stepSeconds: 60,
      total: 11,
      buckets: expected,
    });
    expect(await searchAll({ from: w.from, to: w.to }, 3)).toHaveLength(11);
  });

  it('puts each row in the severity class `level:` searches find it by', async () => {
    const r = await get<LogHistogramResponse>('/logs/histogram', { from: w.from, to: w.to });
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
      const sum = r.body.buckets.reduce((n, b) => n + b[level], 0);
      const found = await searchAll({ q: `level:${level}`, from: w.from, to: w.to });
      expect(sum, level).toBe(found.length);
    }
  });

  it('picks a step for 60–120 buckets and fills the empty ones', async () => {
    const r = await get<LogHistogramResponse>('/logs/histogram', { from: w.from, to: w.to });
    expect(r.body.stepSeconds).toBe(5);
    expect(r.body.buckets).toHaveLength(120);
    expect(r.body.buckets.map((b) => b.start)).toEqual(
      Array.from({ length: 120 }, (_, i) => w.from + i * 5000),
    );
    expect(r.body.buckets[0]).toEqual({ ...zero, start: w.from, info: 2, error: 1, total: 3 });
    expect(r.body.buckets[11]).toEqual({ ...zero, start: w.from + 55_000, debug: 1, total: 1 });
    expect(r.body.buckets.reduce((n, b) => n + b.total, 0)).toBe(11);
  });

  it('agrees with the search for a filtered, unaligned range', async () => {
    const from = w.from + 30_000;
    const to = w.from + 5 * MIN + 30_000;
    for (const q of [undefined, '-level:info', 'level:error OR h*']) {
      const r = await get<LogHistogramResponse>('/logs/histogram', { q, from, to, step: 60 });
      expect(r.body.buckets.map((b) => b.start)).toEqual(
        Array.from({ length: 6 }, (_, i) => w.from + i * MIN),
      );
      const rows = await searchAll({ q, from, to }, 2);
      expect(r.body.total, q).toBe(rows.length);
      expect(r.body.buckets.reduce((n, b) => n + b.total, 0)).toBe(rows.length);
    }
    const all = await get<LogHistogramResponse>('/logs/histogram', { from, to, step: 60 });
    expect(all.body.buckets.map((b) => b.total)).toEqual([1, 1, 0, 2, 0, 3]);
  });
});

describe('GET /logs/facets', () => {
  const w = windowOf(4);
  const at = (sec: number) => ns(w.from + sec * 1000);

  beforeAll(async () => {
    await send([
      { ts: at(1), body: 'f1', service: 'a', sev: 9, attrs: { region: 'eu' }, eventName: 'login' },
      { ts: at(2), body: 'f2', service: 'a', sev: 9, resource: { region: 'us' } },
      {
        ts: at(3),
        body: 'f3',
        service: 'b',
        sev: 17,
        attrs: { region: 'eu' },
        resource: { region: 'us' },
        eventName: 'login',
        scope: { name: 'auth', version: '1.0' },
      },
      { ts: at(4), body: 'f4', service: 'b', eventName: 'logout' },
      { ts: at(5), body: 'f5', sev: 13, attrs: { region: '' } },
      { ts: at(6), body: 'f6', service: 'a', sev: 17, attrs: { region: 'ap' } },
    ]);
  });

  const facets = (params: Params) =>
    get<LogFacetsResponse>('/logs/facets', { from: w.from, to: w.to, ...params });

  it.each([
    [
      'service',
      undefined,
      [
        ['a', 3],
        ['b', 2],
      ],
      1,
    ],
    [
      'region',
      undefined,
      [
        ['eu', 2],
        ['', 1],
        ['ap', 1],
        ['us', 1],
      ],
      1,
    ],
    [
      'attr.region',
      undefined,
      [
        ['eu', 2],
        ['', 1],
        ['ap', 1],
      ],
      2,
    ],
    ['resource.region', undefined, [['us', 2]], 4],
    [
      'event_name',
      undefined,
      [
        ['login', 2],
        ['logout', 1],
      ],
      3,
    ],
    [
      'scope.name',
      'service:b',
      [
        ['auth', 1],
        ['logs-int-test', 1],
      ],
      0,
    ],
    ['scope.version', undefined, [['1.0', 1]], 5],
    [
      'level',
      undefined,
      [
        ['error', 2],
        ['info', 2],
        ['warn', 1],
      ],
      1,
    ],
    [
      'severity',
      'service:a',
      [
        ['info', 2],
        ['error', 1],
      ],
      0,
    ],
    [
      'service',
      'level:error',
      [
        ['a', 1],
        ['b', 1],
      ],
      0,
    ],
    [
      'body',
      'region:eu',
      [
        ['f1', 1],
        ['f3', 1],
      ],
      0,
    ],
  ] as const)('field=%s q=%s', async (field, q, values, missing) => {
    const r = await facets({ field, q });
    expect(r.status).toBe(200);
    const total = values.reduce((n, [, c]) => n + c, 0) + missing;
    expect(r.body).toEqual({
      from: w.from,
      to: w.to,
      field,
      values: values.map(([value, count]) => ({ value, count })),
      missing,
      total,
    });
  });

  it('returns the top values only, up to the limit', async () => {
    const r = await facets({ field: 'region', limit: 1 });
    expect(r.body).toMatchObject({ values: [{ value: 'eu', count: 2 }], missing: 1, total: 6 });
  });

  it('refuses fields logs do not have and limits over 100', async () => {
    const r = await facets({ field: 'duration' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: 'SL_ERR_SEARCH_FIELD' } });
    expect((r.body as unknown as { error: { message: string } }).error.message).toMatch(/^field: /);
    const tooMany = await facets({ field: 'service', limit: 101 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ error: { code: 'SL_ERR_VALIDATION' } });
  });
});
