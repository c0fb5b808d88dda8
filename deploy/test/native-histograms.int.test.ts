import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsQueryResponse } from '@sightline/model/api/metrics';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline } from './harness.ts';
import {
  otlpPoints,
  SERIES,
  startNativeHistogramTarget,
  type NativeHistogramTarget,
} from './native-histogram-target.ts';
import { startPrometheus, type PrometheusServer } from './prometheus-server.ts';
import { until } from './promql-harness.ts';
import {
  askPrometheus,
  askSightline,
  difference,
  type Answer,
  type Series,
} from './promql-diff.ts';

/**
 * Exponential histograms against the Debian Prometheus's native histograms: the target exposes
 * one histogram (two series at scales 3 and 1, zeros, negative observations, a reset) to
 * Prometheus as a native histogram over the protobuf exposition format, and the same points go
 * to Sightline as OTLP exponential histogram points. histogram_quantile, histogram_count and
 * histogram_sum over rate/increase windows, from Prometheus's HTTP API, must equal Sightline's
 * PromQL and its metrics API's percentiles at the same timestamps within 0.1 %.
 */
let s: RunningSightline;
let prom: PrometheusServer;
let target: NativeHistogramTarget;
const STEP_MS = 5_000;
const RANGE_MS = 60_000;
let endMs = 0;

beforeAll(async () => {
  s = await startTestSightline();
  target = await startNativeHistogramTarget();
  prom = await startPrometheus({
    sightlineUrl: s.otlpUrl,
    jobs: { nh: [target.address] },
    flags: ['--enable-feature=native-histograms'],
  });
  const served = () => target.served.get('/a')!;
  // 60 s of range, 15 s windows before it, and a margin for the first scrapes.
  await until(prom, 'eighty scrapes', () => served().length >= 80);
  endMs = Math.floor((Date.now() - 3_000) / STEP_MS) * STEP_MS;
  // The samples Prometheus holds (a scrape that timed out is not among them): the same to Sightline.
  const held = await prom.api<{
    result: { metric: Record<string, string>; histograms?: [number, unknown][] }[];
  }>('query', { query: 'nh_latency_seconds[5m]', time: String(endMs / 1000) });
  expect(held.result.length, 'Prometheus holds native histograms').toBe(SERIES.length);
  const resourceMetrics = held.result.map(({ metric, histograms = [] }) => {
    const times = new Set(histograms.map(([t]) => Math.round(t * 1000)));
    const points = target.served.get(metric.path!)!.filter((h) => times.has(h.t));
    expect(points.length, `${metric.path}: served points Prometheus holds`).toBe(times.size);
    return {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'nh' } },
          { key: 'service.instance.id', value: { stringValue: target.address } },
        ],
      },
      scopeMetrics: [
        {
          scope: { name: 'native-histogram-test' },
          metrics: [
            {
              name: 'nh.latency',
              unit: 's',
              exponentialHistogram: {
                aggregationTemporality: 2,
                dataPoints: otlpPoints(metric.path!, points),
              },
            },
          ],
        },
      ],
    };
  });
  const res = await fetch(`${s.otlpUrl}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceMetrics }),
  });
  expect(res.status, await res.text()).toBe(200);
}, 300_000);

afterAll(async () => {
  await prom?.stop();
  await target?.close();
  await s?.close();
});

const PHIS = [0.05, 0.15, 0.2, 0.25, 0.5, 0.75, 0.9, 0.99, 1, -0.5, 1.5];
const H = 'nh_latency_seconds';
const CASES: readonly { expr: string; mode: 'range' | 'instant' }[] = [
  ...PHIS.flatMap((q) => [
    `histogram_quantile(${q}, rate(${H}[10s]))`,
    `histogram_quantile(${q}, sum by (job) (rate(${H}[10s])))`,
  ]),
  `histogram_quantile(0.5, increase(${H}[15s]))`,
  `histogram_quantile(0.9, sum without (path) (rate(${H}[20s])))`,
  `histogram_quantile(0.5, ${H})`,
  `histogram_count(rate(${H}[10s]))`,
  `histogram_sum(rate(${H}[10s]))`,
  `histogram_count(increase(${H}[15s]))`,
  `histogram_sum(sum(rate(${H}[10s])))`,
  `histogram_count(sum by (path) (rate(${H}[30s] offset 10s)))`,
  `histogram_count(${H})`,
  `histogram_sum(${H})`,
  // histogram_fraction: bounds inside buckets, on their edges, at zero, negative, reversed, infinite.
  ...[
    [0, 1],
    [-1, 0],
    [0, 0.3],
    [0.25, 4],
    ['-Inf', 0],
    [0, '+Inf'],
    ['-Inf', '+Inf'],
    [2, 1],
    [0.5, 0.5],
  ].map(([lo, hi]) => `histogram_fraction(${lo}, ${hi}, rate(${H}[10s]))`),
  `histogram_fraction(0, 1, sum by (job) (increase(${H}[15s])))`,
  `histogram_fraction(-0.5, 2, ${H})`,
  `histogram_fraction(0, time() - time() + 1, rate(${H}[10s]))`,
  `histogram_fraction(NaN, 1, rate(${H}[10s]))`,
  // @ pins every step's evaluation to one time.
  `histogram_quantile(0.5, rate(${H}[10s] @ end()))`,
  `histogram_quantile(0.9, sum by (job) (rate(${H}[10s] @ start())))`,
  `histogram_count(${H} @ start())`,
  `histogram_sum(increase(${H}[15s] @ end() offset 5s))`,
  `histogram_fraction(0, 1, rate(${H}[10s] @ start()))`,
].flatMap((expr) => [
  { expr, mode: 'range' as const },
  { expr, mode: 'instant' as const },
]);

const window = (mode: 'range' | 'instant') => ({ mode, endMs, rangeMs: RANGE_MS, stepMs: STEP_MS });
const prometheus = (expr: string, mode: 'range' | 'instant') =>
  askPrometheus(prom.address, expr, window(mode));
const sightline = (expr: string, mode: 'range' | 'instant') => askSightline(s, expr, window(mode));

describe('exponential histograms answer as Prometheus native histograms', () => {
  it.each(CASES.map((c) => [`${c.mode} ${c.expr}`, c] as const))('PromQL %s', async (_n, c) => {
    const [want, got] = await Promise.all([prometheus(c.expr, c.mode), sightline(c.expr, c.mode)]);
    const diff = difference({}, want, got);
    expect(diff, `${c.mode} ${c.expr}\n${diff}`).toBe('');
    expect((want.result as Series[]).length, `${c.expr}: Prometheus answered no series`).toBe(
      /\bsum\(|sum by \(job\)|sum without/.test(c.expr) ? 1 : SERIES.length,
    );
  });

  it('series, labels, label values and metadata list the native histogram series', async () => {
    const window = { start: String((endMs - RANGE_MS) / 1000), end: String(endMs / 1000) };
    const sightlineApi = async (path: string, params: Record<string, string>) => {
      const q = new URLSearchParams(params).toString();
      const res = await fetch(`${s.apiUrl}/prometheus/api/v1/${path}?${q}`);
      const body = (await res.json()) as { status: string; data: unknown };
      expect(body.status, `${path}: ${JSON.stringify(body)}`).toBe('success');
      return body.data;
    };
    const byLabels = (xs: Record<string, string>[]) =>
      xs.map((x) => JSON.stringify(Object.entries(x).sort())).sort();
    const match = { 'match[]': `${H}{path=~"/.*"}`, ...window };
    const want = await prom.api<Record<string, string>[]>('series', match);
    expect(want.length, 'Prometheus lists the native histogram series').toBe(SERIES.length);
    const got = (await sightlineApi('series', match)) as Record<string, string>[];
    expect(byLabels(got)).toEqual(byLabels(want));
    const labels = [await prom.api<string[]>('labels', match), await sightlineApi('labels', match)];
    expect(labels[1]).toEqual(labels[0]);
    const values = [
      await prom.api<string[]>('label/path/values', match),
      await sightlineApi('label/path/values', match),
    ];
    expect(values[1]).toEqual(values[0]);
    const names = (await sightlineApi('label/__name__/values', window)) as string[];
    expect(names).toContain(H);
    const meta = (await sightlineApi('metadata', { metric: H })) as Record<
      string,
      { type: string }[]
    >;
    const promMeta = await prom.api<Record<string, { type: string }[]>>('metadata', { metric: H });
    expect(meta[H]?.map((m) => m.type)).toEqual(promMeta[H]?.map((m) => m.type));
  });

  it('the metrics API percentiles equal histogram_quantile over the same windows', async () => {
    let compared = 0;
    for (const [p, q] of [
      ['p50', 0.5],
      ['p90', 0.9],
      ['p95', 0.95],
      ['p99', 0.99],
    ] as const) {
      for (const groupBy of [[], ['path']]) {
        const by = groupBy.length > 0 ? 'by (path) ' : '';
        const expr = `histogram_quantile(${q}, sum ${by}(rate(${H}[10s])))`;
        const want = await prometheus(expr, 'range');
        const res = await fetch(`${s.apiUrl}/api/v1/metrics/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            from: String(endMs - RANGE_MS - STEP_MS),
            to: String(endMs),
            step: `${STEP_MS / 1000}s`,
            queries: [{ metric: 'nh.latency', aggregation: p, range: '10s', groupBy }],
          }),
        });
        expect(res.status, await res.clone().text()).toBe(200);
        const [result] = ((await res.json()) as MetricsQueryResponse).results;
        const got: Answer = {
          resultType: 'matrix',
          result: result!.series.map((x) => ({
            metric: x.labels,
            values: x.points
              .filter(([, v]) => v !== null)
              .map(([t, v]) => [t / 1000, String(v)] as [number, string]),
          })),
        };
        const diff = difference({}, want, got);
        expect(diff, `${p} by ${groupBy.join()}\n${diff}`).toBe('');
        compared += (want.result as Series[]).reduce((n, x) => n + (x.values?.length ?? 0), 0);
      }
    }
    // 4 percentiles × (1 + 2 series) × 13 steps.
    expect(compared).toBe(4 * 3 * (RANGE_MS / STEP_MS + 1));
  });
});
