import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricQuery, MetricsQueryResponse } from '@sightline/model/api/metrics';
import { formatPromValue, parsePointValue } from '@sightline/model/prom-value';
import { RANGE_FUNCTIONS } from '@sightline/query/sql/metrics-prom-sql';
import type { RunningSightline } from '../src/all-in-one.ts';
import { select, startTestSightline } from './harness.ts';
import { freePort } from './image-rehearsal-run.ts';
import { startPrometheus, type PrometheusServer } from './prometheus-server.ts';

/**
 * Sightline answers as Prometheus does: a real Prometheus scrapes a target whose series are known
 * (zeros, a counter that resets to 0, a gauge going negative, a classic histogram, a gauge that is
 * NaN for a while and two that go to +Inf and -Inf), remote-writes
 * every sample to Sightline, and each function is asked of both over the same range and step.
 * Every point must be present in both, at the same timestamp, equal within 0.1 % (NaN matching
 * NaN, an infinity the same infinity).
 */
let s: RunningSightline;
let prom: PrometheusServer;
let target: Server;
let scrapes = 0;

const STEP_S = 5;
const BOUNDS = ['0.1', '0.5', '1', '+Inf'];
const MID = [0.05, 0.3, 0.8, 2];
// Observations the histogram gains at scrape k, per bucket (not cumulative).
const gained = (k: number) => [k % 3, 2, k % 5, 1];

function exposition(n: number): string {
  const perBucket = [0, 0, 0, 0];
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    gained(k).forEach((c, b) => {
      perBucket[b]! += c;
      sum += c * MID[b]!;
    });
  }
  let cumulative = 0;
  const buckets = BOUNDS.map((le, b) => {
    cumulative += perBucket[b]!;
    return `cmp_latency_seconds_bucket{le="${le}"} ${cumulative}`;
  });
  return [
    '# HELP cmp_requests_total Requests served.',
    '# TYPE cmp_requests_total counter',
    // /a restarts from 0 at the 20th scrape.
    `cmp_requests_total{path="/a"} ${n < 20 ? 3 * n : 3 * (n - 20)}`,
    `cmp_requests_total{path="/b"} ${5 * n + (n % 3)}`,
    '# TYPE cmp_zero_total counter',
    'cmp_zero_total 0',
    '# HELP cmp_temperature Temperature.',
    '# TYPE cmp_temperature gauge',
    `cmp_temperature ${[0, -2.5, 3, 0, 7.25, 1][n % 6]! + n / 10}`,
    '# TYPE cmp_odd gauge',
    // NaN from the 15th to the 24th scrape; a value before and after.
    `cmp_odd ${n >= 15 && n < 25 ? 'NaN' : n / 4}`,
    '# TYPE cmp_extreme gauge',
    // One series goes to +Inf, the other to -Inf, for a while, then back.
    `cmp_extreme{sign="pos"} ${n >= 12 && n < 22 ? '+Inf' : n}`,
    `cmp_extreme{sign="neg"} ${n >= 18 && n < 28 ? '-Inf' : -n}`,
    '# HELP cmp_latency_seconds Latency.',
    '# TYPE cmp_latency_seconds histogram',
    ...buckets,
    `cmp_latency_seconds_sum ${sum}`,
    `cmp_latency_seconds_count ${cumulative}`,
    '',
  ].join('\n');
}

beforeAll(async () => {
  s = await startTestSightline();
  target = createServer((_req, res) => {
    scrapes += 1;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(exposition(scrapes));
  });
  const port = await freePort();
  await new Promise<void>((r) => target.listen(port, '127.0.0.1', r));
  prom = await startPrometheus({ sightlineUrl: s.otlpUrl, jobs: { cmp: [`127.0.0.1:${port}`] } });
});

afterAll(async () => {
  await prom?.stop();
  await new Promise((r) => target?.close(r));
  await s?.close();
});

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (;;) {
    if (await check()) return;
    if (prom.exited())
      throw new Error(`prometheus exited while waiting for ${what}: ${prom.log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** Every point of `promql` over [start, end] against the Sightline query's, keyed by `label`. */
async function compare(
  window: { start: number; end: number },
  promql: string,
  q: Omit<MetricQuery, 'filters'>,
  label?: string,
): Promise<number> {
  const expected = await prom.api<{ result: PromSeries[] }>('query_range', {
    query: promql,
    start: String(window.start / 1000),
    end: String(window.end / 1000),
    step: `${STEP_S}s`,
  });
  const res = await fetch(`${s.apiUrl}/api/v1/metrics/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      from: String(window.start - STEP_S * 1000),
      to: String(window.end),
      step: `${STEP_S}s`,
      // `job` as Prometheus names it: the service.name of remote-written series.
      queries: [{ ...q, filters: [{ key: 'job', op: 'eq', value: 'cmp' }] }],
    }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const actual = ((await res.json()) as MetricsQueryResponse).results[0]!.series;
  const key = (labels: Record<string, string>) => (label ? (labels[label] ?? '') : '');
  expect(actual.map((x) => key(x.labels)).sort(), promql).toEqual(
    expected.result.map((x) => key(x.metric)).sort(),
  );
  let compared = 0;
  for (const want of expected.result) {
    const got = actual.find((x) => key(x.labels) === key(want.metric))!;
    const wanted = new Map(
      want.values.map(([t, v]) => [Math.round(t * 1000), parsePointValue(v)!] as const),
    );
    const present = got.points.filter(([, v]) => v !== null).map(([t]) => t);
    expect(present, `${promql} ${key(want.metric)}: timestamps`).toEqual([...wanted.keys()]);
    for (const [t, sv] of got.points) {
      const v = parsePointValue(sv);
      if (v === null) continue;
      const w = wanted.get(t)!;
      const at = `${promql} ${key(want.metric)} at ${t}: ${formatPromValue(v)} vs ${formatPromValue(w)}`;
      // NaN matches NaN, an infinity the same infinity; finite values within 0.1 %.
      if (!Number.isFinite(v) || !Number.isFinite(w))
        expect(formatPromValue(v), at).toBe(formatPromValue(w));
      else {
        const tolerance = Math.max(Math.abs(w), Math.abs(v)) * 1e-3 + 1e-9;
        expect(Math.abs(v - w), at).toBeLessThan(tolerance);
      }
      compared++;
    }
  }
  return compared;
}

describe('Sightline answers as Prometheus does, on the samples Prometheus remote-wrote', () => {
  it('rate, increase, irate, delta, histogram_quantile and the over-time functions', async () => {
    await until('45 scrapes', () => scrapes >= 45);
    // Windows from the 12th second of data on, so that the first ones are full; steps aligned.
    const { first } = (
      await select<{ first: string }>(
        s,
        "SELECT toUnixTimestamp64Milli(min(TimeUnix)) AS first FROM sightline.otel_metrics_gauge WHERE MetricName = 'cmp_temperature'",
      )
    )[0]!;
    const stepMs = STEP_S * 1000;
    const start = Math.ceil((Number(first) + 12_000) / stepMs) * stepMs;
    const end = Math.floor((Date.now() - 2_000) / stepMs) * stepMs;
    expect(end - start).toBeGreaterThanOrEqual(20_000);
    // Wait until Sightline holds every metric's samples up to the end.
    for (const [table, metric] of [
      ['gauge', 'cmp_temperature'],
      ['sum', 'cmp_requests_total'],
      ['sum', 'cmp_zero_total'],
      ['sum', 'cmp_latency_seconds_bucket'],
      ['gauge', 'cmp_odd'],
      ['gauge', 'cmp_extreme'],
    ]) {
      await until(`${metric} up to the end`, async () => {
        const [row] = await select<{ last: string }>(
          s,
          `SELECT toUnixTimestamp64Milli(max(TimeUnix)) AS last FROM sightline.otel_metrics_${table} WHERE MetricName = {m:String}`,
          { m: metric },
        );
        return Number(row?.last ?? 0) >= end;
      });
    }
    const w = { start, end };
    const sel = (m: string) => `${m}{job="cmp"}`;
    const counter = 'cmp_requests_total';
    const gauge = 'cmp_temperature';
    let points = 0;
    for (const [fn, range] of [
      ['rate', '10s'],
      ['rate', '20s'],
      ['increase', '10s'],
      ['irate', '10s'],
    ] as const) {
      points += await compare(
        w,
        `sum by (path) (${fn}(${sel(counter)}[${range}]))`,
        { metric: counter, aggregation: fn, range, groupBy: ['path'] },
        'path',
      );
    }
    points += await compare(w, `sum(rate(${sel('cmp_zero_total')}[10s]))`, {
      metric: 'cmp_zero_total',
      aggregation: 'rate',
      range: '10s',
    });
    // delta and every *_over_time function Sightline offers (quantile's φ is asked below).
    const overTime = RANGE_FUNCTIONS.filter(
      (f) => f.endsWith('_over_time') && f !== 'quantile_over_time',
    );
    for (const fn of ['delta', ...overTime] as const) {
      points += await compare(w, `sum(${fn}(${sel(gauge)}[10s]))`, {
        metric: gauge,
        aggregation: fn,
        range: '10s',
        across: 'sum',
      });
    }
    points += await compare(w, `sum(quantile_over_time(0.9, ${sel(gauge)}[10s]))`, {
      metric: gauge,
      aggregation: 'quantile_over_time',
      quantile: 0.9,
      range: '10s',
    });
    points += await compare(w, `sum(${sel(gauge)})`, { metric: gauge, aggregation: 'sum' });
    for (const [p, q] of [
      ['p50', '0.5'],
      ['p90', '0.9'],
      ['p99', '0.99'],
    ] as const) {
      points += await compare(
        w,
        `histogram_quantile(${q}, sum by (le) (rate(${sel('cmp_latency_seconds_bucket')}[10s])))`,
        { metric: 'cmp_latency_seconds_bucket', aggregation: p, range: '10s' },
      );
    }
    // NaN and infinities through the instant value and the over-time functions.
    let special = 0;
    for (const fn of ['', ...overTime] as const) {
      const promFn = (m: string) => (fn === '' ? sel(m) : `${fn}(${sel(m)}[10s])`);
      const agg = fn === '' ? 'sum' : fn;
      const range = fn === '' ? {} : { range: '10s' };
      special += await compare(w, `sum(${promFn('cmp_odd')})`, {
        metric: 'cmp_odd',
        aggregation: agg,
        ...range,
        across: 'sum',
      });
      special += await compare(
        w,
        `sum by (sign) (${promFn('cmp_extreme')})`,
        { metric: 'cmp_extreme', aggregation: agg, ...range, across: 'sum', groupBy: ['sign'] },
        'sign',
      );
    }
    expect(special).toBe(3 * (overTime.length + 1) * ((end - start) / stepMs + 1));
    // Units from the metadata Prometheus sends, or else from the name's suffix; descriptions too.
    const unitOf = async (metric: string, aggregation: MetricQuery['aggregation']) => {
      const r = await fetch(`${s.apiUrl}/api/v1/metrics/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          from: String(start),
          to: String(end),
          queries: [{ metric, aggregation }],
        }),
      });
      const [result] = ((await r.json()) as MetricsQueryResponse).results;
      return { unit: result!.unit, description: result!.description };
    };
    expect(await unitOf('cmp_latency_seconds_bucket', 'p90')).toEqual({
      unit: 's',
      description: 'Latency.',
    });
    expect(await unitOf(gauge, 'max')).toEqual({ unit: '', description: 'Temperature.' });
    // 19 queries, 23 series (the counter has two paths), each with a value at every step.
    expect(points).toBe(23 * ((end - start) / stepMs + 1));
  }, 180_000);
});
