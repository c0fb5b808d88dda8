import { expect } from 'vitest';
import type {
  MetricQueryResult,
  MetricsQueryRequest,
  MetricsQueryResponse,
} from '@sightline/model/api/metrics';
import type { PointValue } from '@sightline/model/prom-value';
import { sightline } from './use-sightline.ts';

/**
 * Shared by the metrics API tests: `sendAll()` writes every series they query through the OTLP
 * endpoint, once per test file (each file starts its own Sightline).
 */

export const MIN = 60_000;
// A minute boundary half an hour ago: every step of the queries below is a whole minute.
export const BASE = Math.floor((Date.now() - 30 * MIN) / MIN) * MIN;
export const RANGE = { from: String(BASE), to: String(BASE + 6 * MIN), step: '1m' };

export const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const attrs = (a: Record<string, string>) =>
  Object.entries(a).map(([key, v]) => ({ key, value: { stringValue: v } }));

export async function sendMetrics(service: string, metrics: unknown[]): Promise<void> {
  const res = await fetch(`${sightline().otlpUrl}/v1/metrics`, {
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
// By hand, Prometheus' way: the step ending at +60 s reads the points at +0/+30/+60 s and gains
// 5 + 3 (no extrapolation: the points sit on the window's edges); +120 s gains 7 + 0, +180 s
// 10 + 2, +240 s 4 + 6; from +300 s on a window holds one point at most: no rate.
export const EXPECTED_INCREASE = [8, 7, 12, 10, null, null];

const sumMetric = (temporality: 1 | 2, points: unknown[]) => ({
  name: 'http.requests',
  unit: '{request}',
  description: 'requests served',
  sum: { aggregationTemporality: temporality, isMonotonic: true, dataPoints: points },
});

export function counterPoints(kind: 'delta' | 'cumulative' | 'restart' | 'drop'): unknown[] {
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

export async function sendAll(): Promise<void> {
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

export async function query(body: MetricsQueryRequest): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${sightline().apiUrl}/api/v1/metrics/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** One query over RANGE; its range is the step (1m) unless it says otherwise. */
export async function one(q: MetricsQueryRequest['queries'][number]): Promise<MetricQueryResult> {
  const { status, json } = await query({ ...RANGE, queries: [{ range: '1m', ...q }] });
  expect(status, JSON.stringify(json)).toBe(200);
  const [result] = (json as MetricsQueryResponse).results;
  return result!;
}

export const times = Array.from({ length: 6 }, (_, i) => BASE + (i + 1) * MIN);
export const values = (r: MetricQueryResult, i = 0) => r.series[i]!.points.map((p) => p[1]);
export const close = (actual: PointValue[], expected: (number | null)[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    const e = expected[i];
    if (e === null || e === undefined) expect(v, `point ${i}`).toBeNull();
    else expect(v, `point ${i}`).toBeCloseTo(e, 9);
  });
};
