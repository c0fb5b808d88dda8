import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  MetricAttributesResponse,
  MetricNamesResponse,
  MetricQueryResult,
  MetricsQueryRequest,
  MetricsQueryResponse,
} from '@sightline/model/api/metrics';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
  await sendAll();
});
afterAll(async () => s.close());

const MIN = 60_000;
// A minute boundary half an hour ago: every step of the queries below is a whole minute.
const BASE = Math.floor((Date.now() - 30 * MIN) / MIN) * MIN;
const RANGE = { from: String(BASE), to: String(BASE + 6 * MIN), step: '1m' };

const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const attrs = (a: Record<string, string>) =>
  Object.entries(a).map(([key, v]) => ({ key, value: { stringValue: v } }));

async function sendMetrics(service: string, metrics: unknown[]): Promise<void> {
  const res = await fetch(`${s.otlpUrl}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: attrs({ 'service.name': service }) },
          scopeMetrics: [{ scope: { name: 'test' }, metrics }],
        },
      ],
    }),
  });
  expect(res.status, await res.text()).toBe(200);
}

// A counter's increments every 30 s from BASE − 90 s (the first three fall before the range).
const T0 = BASE - 120_000;
const INCREMENTS = [4, 1, 2, 3, 5, 3, 7, 0, 10, 2, 4, 6];
const at = (k: number) => T0 + 30_000 * (k + 1);
// By hand: minute 0 holds the points at +0 s and +30 s (3 + 5), minute 1 those at +60/+90 s
// (3 + 7), minute 2 (0 + 10), minute 3 (2 + 4), minute 4 (6); minute 5 has no point.
const EXPECTED_INCREASE = [8, 10, 10, 6, 6, null];

const sumMetric = (temporality: 1 | 2, points: unknown[]) => ({
  name: 'http.requests',
  unit: '{request}',
  description: 'requests served',
  sum: { aggregationTemporality: temporality, isMonotonic: true, dataPoints: points },
});

function counterPoints(kind: 'delta' | 'cumulative' | 'restart' | 'drop'): unknown[] {
  let total = 0;
  let start = T0;
  return INCREMENTS.map((inc, k) => {
    // The process restarts just before the 7th point, which counts from zero again: with a new
    // start time ('restart'), or with the old one and only the drop in value showing ('drop').
    if ((kind === 'restart' || kind === 'drop') && k === 6) {
      total = 0;
      if (kind === 'restart') start = at(5) + 15_000;
    }
    total += inc;
    const point = { attributes: attrs({ route: '/cart' }), timeUnixNano: ns(at(k)) };
    return kind === 'delta'
      ? { ...point, startTimeUnixNano: ns(k === 0 ? T0 : at(k - 1)), asInt: String(inc) }
      : { ...point, startTimeUnixNano: ns(start), asDouble: total };
  });
}

// Histogram over bounds 100, 200, 400. Minute 0 gains [10, 30, 60, 0] (sum 25 000), minute 1
// one observation above 400 (sum 1 000).
const BOUNDS = [100, 200, 400];
const histPoint = (start: number, time: number, counts: number[], sum: number) => ({
  attributes: attrs({ route: '/pay' }),
  startTimeUnixNano: ns(start),
  timeUnixNano: ns(time),
  count: String(counts.reduce((a, b) => a + b, 0)),
  sum,
  bucketCounts: counts.map(String),
  explicitBounds: BOUNDS,
});
const histMetric = (temporality: 1 | 2, points: unknown[]) => ({
  name: 'pay.latency',
  unit: 'ms',
  histogram: { aggregationTemporality: temporality, dataPoints: points },
});

async function sendAll(): Promise<void> {
  const gauge = (queue: string, offsetMs: number, value: number) => ({
    attributes: attrs({ queue }),
    timeUnixNano: ns(BASE + offsetMs),
    asDouble: value,
  });
  await sendMetrics('worker', [
    {
      name: 'queue.depth',
      unit: '{message}',
      description: 'messages waiting',
      gauge: {
        dataPoints: [
          gauge('orders', 10_000, 4),
          gauge('orders', 40_000, 8),
          gauge('emails', 20_000, 1),
          gauge('orders', 70_000, 6),
        ],
      },
    },
  ]);
  await sendMetrics('svc-delta', [sumMetric(1, counterPoints('delta'))]);
  await sendMetrics('svc-cumulative', [sumMetric(2, counterPoints('cumulative'))]);
  await sendMetrics('svc-restart', [sumMetric(2, counterPoints('restart'))]);
  await sendMetrics('svc-drop', [sumMetric(2, counterPoints('drop'))]);

  await sendMetrics('hist-delta', [
    histMetric(1, [
      histPoint(BASE, BASE + 20_000, [4, 10, 20, 0], 8_000),
      histPoint(BASE + 20_000, BASE + 50_000, [6, 20, 40, 0], 17_000),
      histPoint(BASE + 50_000, BASE + 80_000, [0, 0, 0, 1], 1_000),
    ]),
  ]);
  // The first point lies before the range: it is only the baseline of the next.
  const hs = BASE - 60_000;
  await sendMetrics('hist-cumulative', [
    histMetric(2, [
      histPoint(hs, BASE - 30_000, [1, 1, 1, 0], 500),
      histPoint(hs, BASE + 20_000, [5, 11, 21, 0], 8_500),
      histPoint(hs, BASE + 50_000, [11, 31, 61, 0], 25_500),
      histPoint(hs, BASE + 80_000, [11, 31, 61, 1], 26_500),
    ]),
  ]);

  // Exponential: minute 0 gains 10 in (1, 2], 30 in (2, 4], 60 in (4, 8] (scale 0). The
  // cumulative series reports at scale 2 first (before the range), then at scale 1.
  const expPoint = (start: number, time: number, scale: number, counts: number[]) => ({
    startTimeUnixNano: ns(start),
    timeUnixNano: ns(time),
    count: String(counts.reduce((a, b) => a + b, 0)),
    sum: 500,
    scale,
    zeroCount: '0',
    positive: { offset: 0, bucketCounts: counts.map(String) },
    negative: { offset: 0, bucketCounts: [] },
  });
  const expMetric = (temporality: 1 | 2, points: unknown[]) => ({
    name: 'payload.size',
    exponentialHistogram: { aggregationTemporality: temporality, dataPoints: points },
  });
  await sendMetrics('exp-delta', [expMetric(1, [expPoint(BASE, BASE + 30_000, 0, [10, 30, 60])])]);
  await sendMetrics('exp-cumulative', [
    expMetric(2, [
      expPoint(hs, BASE - 30_000, 2, [1]),
      expPoint(hs, BASE + 30_000, 1, [5, 6, 10, 20, 25, 35]),
    ]),
  ]);

  // A summary (always cumulative): 10 observations before the range, 25 and then 40 in it.
  const summaryPoint = (time: number, count: number, sum: number) => ({
    startTimeUnixNano: ns(hs),
    timeUnixNano: ns(time),
    count: String(count),
    sum,
    quantileValues: [{ quantile: 0.5, value: 1 }],
  });
  await sendMetrics('summaries', [
    {
      name: 'gc.pause',
      summary: {
        dataPoints: [
          summaryPoint(BASE - 10_000, 10, 100),
          summaryPoint(BASE + 10_000, 25, 250),
          summaryPoint(BASE + 70_000, 40, 700),
        ],
      },
    },
  ]);

  // 501 series of one gauge, one point each: one more than a query returns.
  await sendMetrics('many', [
    {
      name: 'many.series',
      gauge: {
        dataPoints: Array.from({ length: 501 }, (_, i) => ({
          attributes: attrs({ id: String(i).padStart(3, '0') }),
          timeUnixNano: ns(BASE + 5_000),
          asDouble: i,
        })),
      },
    },
  ]);
}

async function query(body: MetricsQueryRequest): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${s.apiUrl}/api/v1/metrics/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function one(q: MetricsQueryRequest['queries'][number]): Promise<MetricQueryResult> {
  const { status, json } = await query({ ...RANGE, queries: [q] });
  expect(status, JSON.stringify(json)).toBe(200);
  const [result] = (json as MetricsQueryResponse).results;
  return result!;
}

const times = Array.from({ length: 6 }, (_, i) => BASE + i * MIN);
const values = (r: MetricQueryResult, i = 0) => r.series[i]!.points.map((p) => p[1]);
const close = (actual: (number | null)[], expected: (number | null)[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    const e = expected[i];
    if (e === null || e === undefined) expect(v, `point ${i}`).toBeNull();
    else expect(v, `point ${i}`).toBeCloseTo(e, 9);
  });
};

describe('POST /api/v1/metrics/query — gauges', () => {
  it('aggregates the values in each step, every step present', async () => {
    const avg = await one({ metric: 'queue.depth', aggregation: 'avg' });
    expect(avg).toMatchObject({
      metric: 'queue.depth',
      type: 'gauge',
      unit: '{message}',
      from: BASE,
      to: BASE + 6 * MIN,
      step: MIN,
      truncated: false,
    });
    expect(avg.series).toHaveLength(1);
    expect(avg.series[0]!.labels).toEqual({});
    expect(avg.series[0]!.points.map((p) => p[0])).toEqual(times);
    close(values(avg), [13 / 3, 6, null, null, null, null]);
    expect(values(await one({ metric: 'queue.depth', aggregation: 'max' }))).toEqual([
      8,
      6,
      null,
      null,
      null,
      null,
    ]);
    expect(values(await one({ metric: 'queue.depth', aggregation: 'min' }))).toEqual([
      1,
      6,
      null,
      null,
      null,
      null,
    ]);
    expect(values(await one({ metric: 'queue.depth', aggregation: 'count' }))).toEqual([
      3,
      1,
      null,
      null,
      null,
      null,
    ]);
    // sum adds each series' mean in the step: orders (4 + 8) / 2 + emails 1.
    expect(values(await one({ metric: 'queue.depth', aggregation: 'sum' }))).toEqual([
      7,
      6,
      null,
      null,
      null,
      null,
    ]);
  });

  it('returns one series per group-by value, and filters', async () => {
    const r = await one({ metric: 'queue.depth', aggregation: 'max', groupBy: ['queue'] });
    expect(r.series.map((x) => x.labels)).toEqual([{ queue: 'emails' }, { queue: 'orders' }]);
    expect(values(r, 0)).toEqual([1, null, null, null, null, null]);
    expect(values(r, 1)).toEqual([8, 6, null, null, null, null]);

    const bySvc = await one({
      metric: 'queue.depth',
      aggregation: 'count',
      groupBy: ['service.name', 'queue'],
      filters: [{ key: 'queue', op: 'neq', value: 'emails' }],
    });
    expect(bySvc.series.map((x) => x.labels)).toEqual([
      { 'service.name': 'worker', queue: 'orders' },
    ]);
    expect(values(bySvc)).toEqual([2, 1, null, null, null, null]);

    const none = await one({
      metric: 'queue.depth',
      aggregation: 'avg',
      service: 'worker',
      filters: [{ key: 'queue', op: 'in', values: ['nope'] }],
    });
    expect(none.series).toEqual([]);
  });

  it('caps the series and says so', async () => {
    const r = await one({ metric: 'many.series', aggregation: 'max', groupBy: ['id'] });
    expect(r.series).toHaveLength(500);
    expect(r.truncated).toBe(true);
    expect(r.series[499]!.labels).toEqual({ id: '499' });
    expect(values(r, 499)[0]).toBe(499);
  });

  it('answers an unknown metric with no series', async () => {
    const r = await one({ metric: 'no.such.metric', aggregation: 'avg' });
    expect(r).toMatchObject({ type: null, series: [], truncated: false });
  });
});

describe('POST /api/v1/metrics/query — counters', () => {
  it('gives delta and cumulative sums of one counter the same rate, across restarts', async () => {
    const r = await one({
      metric: 'http.requests',
      aggregation: 'rate',
      groupBy: ['service.name'],
    });
    expect(r.type).toBe('sum');
    expect(r.series.map((x) => x.labels['service.name'])).toEqual([
      'svc-cumulative',
      'svc-delta',
      'svc-drop',
      'svc-restart',
    ]);
    const expected = EXPECTED_INCREASE.map((v) => (v === null ? null : v / 60));
    for (let i = 0; i < 4; i++) close(values(r, i), expected);
  });

  it('sums the per-series increases per group', async () => {
    const r = await one({ metric: 'http.requests', aggregation: 'increase', groupBy: ['route'] });
    expect(r.series.map((x) => x.labels)).toEqual([{ route: '/cart' }]);
    close(
      values(r),
      EXPECTED_INCREASE.map((v) => (v === null ? null : 4 * v)),
    );

    const one_ = await one({
      metric: 'http.requests',
      aggregation: 'increase',
      service: 'svc-restart',
    });
    close(values(one_), EXPECTED_INCREASE);
  });
});

describe('POST /api/v1/metrics/query — histograms', () => {
  it('computes percentiles from buckets, delta and cumulative alike', async () => {
    // Minute 0: 100 observations, 10 ≤ 100, 30 in (100, 200], 60 in (200, 400]. The rank q·100
    // falls in (200, 400], holding 60 of them, 40 below: p = 200 + 200 · (100q − 40) / 60.
    // Minute 1: one observation in (400, +Inf): the highest finite bound, 400.
    const p = (q: number) => 200 + (200 * (100 * q - 40)) / 60;
    for (const [agg, q] of [
      ['p50', 0.5],
      ['p90', 0.9],
      ['p95', 0.95],
      ['p99', 0.99],
    ] as const) {
      const r = await one({ metric: 'pay.latency', aggregation: agg, groupBy: ['service.name'] });
      expect(r.series.map((x) => x.labels['service.name'])).toEqual([
        'hist-cumulative',
        'hist-delta',
      ]);
      for (const i of [0, 1]) close(values(r, i), [p(q), 400, null, null, null, null]);
    }
    expect(p(0.95)).toBeCloseTo(383.3333333, 6);
  });

  it('counts, sums and averages observations per step', async () => {
    for (const [agg, expected] of [
      ['count', [100, 1, null, null, null, null]],
      ['sum', [25_000, 1_000, null, null, null, null]],
      ['avg', [250, 1_000, null, null, null, null]],
      ['rate', [100 / 60, 1 / 60, null, null, null, null]],
    ] as const) {
      const r = await one({ metric: 'pay.latency', aggregation: agg, groupBy: ['service.name'] });
      for (const i of [0, 1]) close(values(r, i), [...expected]);
    }
    const both = await one({ metric: 'pay.latency', aggregation: 'p50' });
    close(values(both), [200 + (200 * 10) / 60, 400, null, null, null, null]);
  });
});

describe('POST /api/v1/metrics/query — exponential histograms', () => {
  it('computes percentiles from exponential buckets across scales, delta and cumulative alike', async () => {
    // 100 observations; the rank 100q falls in (4, 8], holding 60, 40 below.
    const p = (q: number) => 4 + (4 * (100 * q - 40)) / 60;
    for (const [agg, q] of [
      ['p50', 0.5],
      ['p95', 0.95],
    ] as const) {
      const r = await one({ metric: 'payload.size', aggregation: agg, groupBy: ['service.name'] });
      expect(r.type).toBe('exponential_histogram');
      expect(r.series.map((x) => x.labels['service.name'])).toEqual([
        'exp-cumulative',
        'exp-delta',
      ]);
      for (const i of [0, 1]) close(values(r, i), [p(q), null, null, null, null, null]);
    }
    const count = await one({ metric: 'payload.size', aggregation: 'count' });
    expect(values(count)).toEqual([200, null, null, null, null, null]);
  });
});

describe('POST /api/v1/metrics/query — summaries', () => {
  it('counts and sums observations, and refuses to merge quantiles', async () => {
    expect(values(await one({ metric: 'gc.pause', aggregation: 'count' }))).toEqual([
      15,
      15,
      null,
      null,
      null,
      null,
    ]);
    expect(values(await one({ metric: 'gc.pause', aggregation: 'avg' }))).toEqual([
      10,
      30,
      null,
      null,
      null,
      null,
    ]);
    const { status, json } = await query({
      ...RANGE,
      queries: [{ metric: 'gc.pause', aggregation: 'p50' }],
    });
    expect(status).toBe(400);
    expect((json as { error: { code: string } }).error.code).toBe('SL_ERR_METRIC_AGGREGATION');
  });
});

describe('metric names and attributes', () => {
  it('lists names with type, unit, description and temporality', async () => {
    const res = await fetch(
      `${s.apiUrl}/api/v1/metrics/names?from=${RANGE.from}&to=${RANGE.to}&prefix=${encodeURIComponent('http.')}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as MetricNamesResponse;
    expect(body).toEqual({
      metrics: [
        {
          name: 'http.requests',
          type: 'sum',
          unit: '{request}',
          description: 'requests served',
          monotonic: true,
          temporality: 'mixed',
        },
      ],
      truncated: false,
    });
    const all = (await (
      await fetch(`${s.apiUrl}/api/v1/metrics/names?from=${RANGE.from}&to=${RANGE.to}`)
    ).json()) as MetricNamesResponse;
    expect(all.metrics.map((m) => [m.name, m.type, m.temporality ?? null])).toEqual([
      ['gc.pause', 'summary', null],
      ['http.requests', 'sum', 'mixed'],
      ['many.series', 'gauge', null],
      ['pay.latency', 'histogram', 'mixed'],
      ['payload.size', 'exponential_histogram', 'mixed'],
      ['queue.depth', 'gauge', null],
    ]);
    const svc = (await (
      await fetch(
        `${s.apiUrl}/api/v1/metrics/names?from=${RANGE.from}&to=${RANGE.to}&service=hist-delta`,
      )
    ).json()) as MetricNamesResponse;
    expect(svc.metrics).toEqual([
      { name: 'pay.latency', type: 'histogram', unit: 'ms', description: '', temporality: 'delta' },
    ]);
  });

  it("lists a metric's attribute keys and a key's top values", async () => {
    const url = `${s.apiUrl}/api/v1/metrics/queue.depth/attributes?from=${RANGE.from}&to=${RANGE.to}`;
    const keys = (await (await fetch(url)).json()) as MetricAttributesResponse;
    expect(keys.metric).toBe('queue.depth');
    expect(keys.keys).toEqual([
      { key: 'queue', count: 4 },
      { key: 'resource.service.name', count: 4 },
    ]);
    const values_ = (await (await fetch(`${url}&key=queue`)).json()) as MetricAttributesResponse;
    expect(values_).toEqual({
      metric: 'queue.depth',
      key: 'queue',
      values: [
        { value: 'orders', count: 3 },
        { value: 'emails', count: 1 },
      ],
      truncated: false,
    });
    const limited = (await (
      await fetch(`${url}&key=queue&limit=1`)
    ).json()) as MetricAttributesResponse;
    expect(limited.values).toEqual([{ value: 'orders', count: 3 }]);
    expect(limited.truncated).toBe(true);
  });
});

describe('bad metric queries', () => {
  const expectError = async (body: unknown, code: string, message: RegExp) => {
    const res = await fetch(`${s.apiUrl}/api/v1/metrics/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status).toBe(400);
    expect(json.error.code).toBe(code);
    expect(json.error.message).toMatch(message);
  };

  it('rejects an aggregation the metric type cannot take, naming the query', async () => {
    await expectError(
      {
        ...RANGE,
        queries: [
          { metric: 'queue.depth', aggregation: 'avg' },
          { metric: 'queue.depth', aggregation: 'rate' },
        ],
      },
      'SL_ERR_METRIC_AGGREGATION',
      /^queries\[1\]\.aggregation: 'rate' does not apply to queue\.depth, a gauge; use one of sum, avg, min, max, count$/,
    );
    await expectError(
      { ...RANGE, queries: [{ metric: 'http.requests', aggregation: 'p95' }] },
      'SL_ERR_METRIC_AGGREGATION',
      /^queries\[0\]\.aggregation: 'p95' does not apply to http\.requests, a monotonic sum \(counter\); use one of rate, increase$/,
    );
  });

  it('rejects an unknown aggregation, a step too small, a reversed range and a filter without value', async () => {
    await expectError(
      { ...RANGE, queries: [{ metric: 'x', aggregation: 'median' }] },
      'SL_ERR_VALIDATION',
      /aggregation/,
    );
    await expectError(
      {
        from: String(BASE - 86_400_000),
        to: String(BASE),
        step: '1s',
        queries: [{ metric: 'x', aggregation: 'avg' }],
      },
      'SL_ERR_STEP',
      /^step: 1s is too small for this range \(86400 points, at most 11000\); use at least 8s$/,
    );
    await expectError(
      {
        ...RANGE,
        queries: [
          { metric: 'x', aggregation: 'avg' },
          { metric: 'x', aggregation: 'avg', step: 'soon' },
        ],
      },
      'SL_ERR_STEP',
      /^queries\[1\]\.step: /,
    );
    await expectError(
      { from: RANGE.to, to: RANGE.from, queries: [{ metric: 'x', aggregation: 'avg' }] },
      'SL_ERR_TIME_RANGE',
      /^from /,
    );
    await expectError(
      {
        ...RANGE,
        queries: [{ metric: 'x', aggregation: 'avg', filters: [{ key: 'queue', op: 'eq' }] }],
      },
      'SL_ERR_METRIC_FILTER',
      /^queries\[0\]\.filters\[0\]\.value: required for op 'eq'$/,
    );
    await expectError({ ...RANGE, queries: [] }, 'SL_ERR_VALIDATION', /queries/);
  });
});
