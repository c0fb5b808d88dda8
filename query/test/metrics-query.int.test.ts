import { describe, expect, it } from 'vitest';
import {
  BASE,
  EXPECTED_INCREASE,
  MIN,
  RANGE,
  close,
  one,
  query,
  sendAll,
  times,
  values,
} from './metrics-fixtures.ts';
import type { MetricsQueryResponse } from '@sightline/model/api/metrics';
import { sightline, useSightline } from './use-sightline.ts';

/** POST /api/v1/metrics/query end to end: every aggregation per metric type, and bad queries. */
useSightline(sendAll);

describe('POST /api/v1/metrics/query — gauges', () => {
  it('combines the newest value of each series at each step end, held for 5 minutes', async () => {
    const avg = await one({ metric: 'queue.depth', aggregation: 'avg' });
    expect(avg).toMatchObject({
      metric: 'queue.depth',
      type: 'gauge',
      unit: '{message}',
      description: 'messages waiting',
      from: BASE,
      to: BASE + 6 * MIN,
      step: MIN,
      range: MIN,
      truncated: false,
    });
    expect(avg.series).toHaveLength(1);
    expect(avg.series[0]!.labels).toEqual({});
    expect(avg.series[0]!.points.map((p) => p[0])).toEqual(times);
    // orders: 4 at +10 s, 8 at +40 s, 6 at +70 s; emails: 1 at +20 s, gone 5 min later (+320 s).
    close(values(avg), [4.5, 3.5, 3.5, 3.5, 3.5, 6]);
    const of = async (aggregation: 'max' | 'min' | 'count' | 'sum') =>
      values(await one({ metric: 'queue.depth', aggregation }));
    expect(await of('max')).toEqual([8, 6, 6, 6, 6, 6]);
    expect(await of('min')).toEqual([1, 1, 1, 1, 1, 6]);
    expect(await of('count')).toEqual([2, 2, 2, 2, 2, 1]);
    expect(await of('sum')).toEqual([9, 7, 7, 7, 7, 6]);
  });

  it('returns one series per group-by value, and filters', async () => {
    const r = await one({ metric: 'queue.depth', aggregation: 'max', groupBy: ['queue'] });
    expect(r.series.map((x) => x.labels)).toEqual([{ queue: 'emails' }, { queue: 'orders' }]);
    expect(values(r, 0)).toEqual([1, 1, 1, 1, 1, null]);
    expect(values(r, 1)).toEqual([8, 6, 6, 6, 6, 6]);

    const bySvc = await one({
      metric: 'queue.depth',
      aggregation: 'count',
      groupBy: ['service.name', 'queue'],
      filters: [{ key: 'queue', op: 'neq', value: 'emails' }],
    });
    expect(bySvc.series.map((x) => x.labels)).toEqual([
      { 'service.name': 'worker', queue: 'orders' },
    ]);
    expect(values(bySvc)).toEqual([1, 1, 1, 1, 1, 1]);

    const none = await one({
      metric: 'queue.depth',
      aggregation: 'avg',
      service: 'worker',
      filters: [{ key: 'queue', op: 'in', values: ['nope'] }],
    });
    expect(none.series).toEqual([]);
  });

  it('takes service and job as aliases of service.name, and refuses unknown keys', async () => {
    for (const key of ['service', 'job', 'service.name']) {
      const r = await one({
        metric: 'queue.depth',
        aggregation: 'max',
        filters: [{ key, op: 'eq', value: 'worker' }],
        groupBy: [key],
      });
      expect(r.series.map((x) => x.labels)).toEqual([{ [key]: 'worker' }]);
    }
    const { status, json } = await query({
      ...RANGE,
      queries: [{ metric: 'queue.depth', aggregation: 'max', groupBy: ['queue', 'qeueu'] }],
    });
    expect(status).toBe(400);
    expect(json).toMatchObject({
      error: {
        code: 'SL_ERR_METRIC_KEY',
        message:
          "queries[0]: queue.depth has no key 'qeueu'; known keys: service.name, service, job, " +
          'service.instance.id, instance, queue, resource.service.name',
      },
    });
  });

  it('applies a function per series over its range, then combines the series as asked', async () => {
    // [+0, +60 s]: orders peaks at 8, emails at 1; [+60, +120 s]: orders' 6 alone.
    const q = { metric: 'queue.depth', aggregation: 'max_over_time', range: '1m' } as const;
    expect(values(await one(q))).toEqual([8, 6, null, null, null, null]);
    expect(values(await one({ ...q, across: 'sum' }))).toEqual([9, 6, null, null, null, null]);
    // A 2-minute range at the same 1-minute step: [0, +120 s] still holds emails' 1 (+20 s),
    // [+60, +180 s] only orders' 6 (+70 s).
    const wide = await one({ ...q, range: '2m', across: 'min' });
    expect(values(wide)).toEqual([1, 1, 6, null, null, null]);
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

  it("reads, without a range, windows that hold about four points: Grafana's $__rate_interval", async () => {
    // Points every 30 s at a 1 min step: max(60 + 30, 4 · 30) s. The step ending at +60 s reads
    // [−60 s, +60 s]: the points at −60, −30, 0, +30, +60 s gain 2 + 3 + 5 + 3 over 120 s.
    const { status, json } = await query({
      ...RANGE,
      queries: [{ metric: 'http.requests', aggregation: 'rate', service: 'svc-cumulative' }],
    });
    expect(status).toBe(200);
    const [r] = (json as MetricsQueryResponse).results;
    expect(r!.range).toBe(120_000);
    expect(values(r!)[0]).toBeCloseTo(13 / 120, 12);

    // Intervals that are no whole number of ms: pay.latency's series are 30 s and 110/3 s apart.
    const uneven = await query({
      ...RANGE,
      queries: [{ metric: 'pay.latency', aggregation: 'rate' }],
    });
    expect(uneven.status, JSON.stringify(uneven.json)).toBe(200);
    expect((uneven.json as MetricsQueryResponse).results[0]!.range).toBe(133_333);
  });

  it('sums the per-series increases per group', async () => {
    const r = await one({ metric: 'http.requests', aggregation: 'increase', groupBy: ['route'] });
    expect(r.series.map((x) => x.labels)).toEqual([{ route: '/cart' }]);
    expect(r.unit).toBe('{request}');
    expect(r.description).toBe('requests served');
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
  // As Prometheus over the _bucket/_count/_sum series of each: a window [T − 1m, T] sees only the
  // points inside it. hist-delta's points (+20 s, +50 s) add up to 100 observations in the step
  // ending at +60 s: 10 ≤ 100, 30 in (100, 200], 60 in (200, 400]; +80 s adds one above 400.
  // hist-cumulative's points at +20 s and +50 s are 30 s apart, 20 s and 10 s from the edges;
  // each bucket's increase is extrapolated to the end, and to the start or to where it would be
  // 0 if sooner: le 100 gains 5 → 11 over 60 s: 12; le 200 16 → 42 over 40 + 30·16/26 s: 152/3;
  // le 400 and +Inf 37 → 103 over 40 + 30·37/66 s: 125. +80 s alone in the next window: no rate.
  const deltaP = (q: number) => 200 + (200 * (100 * q - 40)) / 60;
  const cumulativeP = (q: number) => 200 + (200 * (125 * q - 152 / 3)) / (125 - 152 / 3);

  it('computes percentiles from buckets, delta and cumulative', async () => {
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
      close(values(r, 0), [cumulativeP(q), null, null, null, null, null]);
      // One observation above the last bound: the highest finite bound.
      close(values(r, 1), [deltaP(q), 400, null, null, null, null]);
    }
    expect(deltaP(0.95)).toBeCloseTo(383.3333333, 6);
    expect(cumulativeP(0.5)).toBeCloseTo(231.838565, 6);
    // Both services' buckets summed per bound: 22, 40 + 152/3, 225, 225.
    const both = await one({ metric: 'pay.latency', aggregation: 'p50' });
    const lower = 40 + 152 / 3;
    close(values(both), [
      200 + (200 * (112.5 - lower)) / (225 - lower),
      400,
      null,
      null,
      null,
      null,
    ]);
  });

  it('counts, sums and averages observations per step', async () => {
    // Sum: 8 500 → 25 500 extrapolated over 40 + 30·8 500/17 000 s: 17 000 · 55/30.
    const sum = (17_000 * 55) / 30;
    for (const [agg, cumulative, delta] of [
      ['count', [125, null], [100, 1]],
      ['sum', [sum, null], [25_000, 1_000]],
      ['avg', [sum / 125, null], [250, 1_000]],
      ['rate', [125 / 60, null], [100 / 60, 1 / 60]],
    ] as const) {
      const r = await one({ metric: 'pay.latency', aggregation: agg, groupBy: ['service.name'] });
      const rest = [null, null, null, null];
      close(values(r, 0), [...cumulative, ...rest]);
      close(values(r, 1), [...delta, ...rest]);
    }
  });
});

describe('POST /api/v1/metrics/query — exponential histograms', () => {
  it('computes percentiles from exponential buckets across scales, delta and cumulative alike', async () => {
    // As Prometheus's histogram_quantile(q, sum by (…) (rate(x[range]))) over native histograms.
    // exp-delta, 100 observations at scale 0: the rank 100q falls in (4, 8], holding 60, 40 below.
    const p = (q: number) => 4 + (4 * (100 * q - 40)) / 60;
    // exp-cumulative: its scale-2 point (1 in (1, 2^¼]) taken from its scale-1 point leaves, at
    // scale 1, 4, 6, 10, 20, 25, 35 in (1, √2], (√2, 2], …, (4√2, 8]: p50 in (4, 4√2] (40 below,
    // 25 in it), p95 in (4√2, 8] (65 below, 35 in it).
    const r2 = Math.SQRT2;
    const cumulative = {
      p50: 4 + (4 * r2 - 4) * (10 / 25),
      p95: 4 * r2 + (8 - 4 * r2) * (30 / 35),
    };
    for (const [agg, q] of [
      ['p50', 0.5],
      ['p95', 0.95],
    ] as const) {
      // The default range is the step: the cumulative series has one point in [0, 60 s], so no
      // increase, as a rate; the delta series' point is an increase of its own.
      const r = await one({ metric: 'payload.size', aggregation: agg, groupBy: ['service.name'] });
      expect(r.type).toBe('exponential_histogram');
      expect(r.series.map((x) => x.labels['service.name'])).toEqual(['exp-delta']);
      close(values(r, 0), [p(q), null, null, null, null, null]);
      // Over 2 minutes, [−60 s, 60 s] holds both cumulative points; [0, 120 s] the delta one too.
      const wide = await one({
        metric: 'payload.size',
        aggregation: agg,
        groupBy: ['service.name'],
        range: '2m',
      });
      expect(wide.series.map((x) => x.labels['service.name'])).toEqual([
        'exp-cumulative',
        'exp-delta',
      ]);
      close(values(wide, 0), [cumulative[agg], null, null, null, null, null]);
      close(values(wide, 1), [p(q), p(q), null, null, null, null]);
    }
    // The count as Prometheus reads a _count series: the cumulative one has a single point in
    // [0, 60 s] (its previous one is at −30 s), so no increase; the delta one counts its 100.
    const count = await one({ metric: 'payload.size', aggregation: 'count' });
    expect(values(count)).toEqual([100, null, null, null, null, null]);
  });
});

describe('POST /api/v1/metrics/query — summaries', () => {
  it('counts and sums observations over a range, and refuses to merge quantiles', async () => {
    // Points at −10 s (10 observations, sum 100), +10 s (25, 250), +70 s (40, 700), read over 2m.
    // At +60 s: 10 → 25 over 20 s, extrapolated to the end by half a gap (10 s) and to the start
    // by 20·10/15 s (where it would be 0): 15 · 43⅓/20 = 32.5; at +120 s: 25 → 40 over 60 s,
    // 10 s to the start and 50 s to the end: 15 · 120/60 = 30. The sum likewise: 325, then 900.
    const q = { metric: 'gc.pause', range: '2m' } as const;
    close(values(await one({ ...q, aggregation: 'count' })), [32.5, 30, null, null, null, null]);
    close(values(await one({ ...q, aggregation: 'avg' })), [10, 30, null, null, null, null]);
    const { status, json } = await query({
      ...RANGE,
      queries: [{ metric: 'gc.pause', aggregation: 'p50' }],
    });
    expect(status).toBe(400);
    expect((json as { error: { code: string } }).error.code).toBe('SL_ERR_METRIC_AGGREGATION');
  });
});

describe('bad metric queries', () => {
  const expectError = async (body: unknown, code: string, message: RegExp) => {
    const res = await fetch(`${sightline().apiUrl}/api/v1/metrics/query`, {
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
      /^queries\[1\]\.aggregation: 'rate' does not apply to queue\.depth, a gauge; use one of sum, avg, min, max, count, delta, avg_over_time, /,
    );
    await expectError(
      { ...RANGE, queries: [{ metric: 'http.requests', aggregation: 'p95' }] },
      'SL_ERR_METRIC_AGGREGATION',
      /^queries\[0\]\.aggregation: 'p95' does not apply to http\.requests, a monotonic sum \(counter\); use one of rate, increase, irate, avg_over_time, /,
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
    await expectError(
      { ...RANGE, queries: [{ metric: 'x', aggregation: 'quantile_over_time' }] },
      'SL_ERR_VALIDATION',
      /^queries\[0\]\.quantile: required for quantile_over_time/,
    );
    await expectError(
      { ...RANGE, queries: [{ metric: 'x', aggregation: 'rate', range: 'a while' }] },
      'SL_ERR_STEP',
      /^queries\[0\]\.range: 'a while' is not a step/,
    );
    await expectError(
      { ...RANGE, step: '1s', queries: [{ metric: 'x', aggregation: 'rate', range: '1h' }] },
      'SL_ERR_STEP',
      /^queries\[0\]\.range: 1h spans more than 1440 steps of 1s/,
    );
  });
});
