import { compress } from 'snappyjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  MetricAttributesResponse,
  MetricNamesResponse,
  MetricsQueryResponse,
} from '@sightline/model/api/metrics';
import type { RunningSightline } from '../src/all-in-one.ts';
import { select, startTestSightline } from './harness.ts';
import { DEMO_HELP, startDemoTarget, type DemoTarget } from './prom-demo-target.ts';
import { startPrometheus, type PrometheusServer } from './prometheus-server.ts';
import {
  expectedStarts,
  prometheusSamples,
  seriesKey,
  storedPoints,
  type Samples,
  type StoredPoint,
} from './prom-samples.ts';

// A real Prometheus (Debian's package; scripts/setup-system.sh installs it) scrapes itself and a
// demo target (prom-demo-target.ts) every second and remote-writes to Sightline.
let s: RunningSightline;
let demo: DemoTarget;
let prometheus: PrometheusServer | undefined;
let promTarget = '';

beforeAll(async () => {
  s = await startTestSightline();
  demo = await startDemoTarget();
  const { port: demoPort } = demo.server.address() as { port: number };
  prometheus = await startPrometheus({
    sightlineUrl: s.otlpUrl,
    jobs: { prometheus: ['self'], demo: [`127.0.0.1:${demoPort}`] },
  });
  promTarget = prometheus.address;
});

afterAll(async () => {
  await prometheus?.stop();
  await s?.close();
  await new Promise((r) => (demo ? demo.server.close(r) : r(undefined)));
});

async function api<T>(path: string, body?: object): Promise<T> {
  const res = await fetch(`${s.apiUrl}/api/v1${path}`, {
    ...(body
      ? {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }
      : {}),
  });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Polls until `check` returns a value (Prometheus ships its WAL every second or so). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 240; i++) {
    const v = await check();
    if (v !== undefined) return v;
    if (prometheus?.exited()) throw new Error(`prometheus exited: ${prometheus.log()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} never arrived; prometheus said: ${prometheus?.log() ?? ''}`);
}

/** The key of a demo-target series without labels of its own. */
const seriesOf = (name: string) =>
  seriesKey(name, {
    job: 'demo',
    instance: `127.0.0.1:${(demo.server.address() as { port: number }).port}`,
  });

const countRows = async (table: string, metric: string): Promise<number> => {
  const rows = await select<{ n: string }>(
    s,
    `SELECT count() AS n FROM sightline.${table} WHERE MetricName = {m:String}`,
    { m: metric },
  );
  return Number(rows[0]?.n ?? 0);
};

describe('Prometheus remote write from a real Prometheus', () => {
  it('delivers counters as sums and gauges as gauges, with labels as attributes', async () => {
    const names = await eventually('the scraped metric names', async () => {
      const r = await api<MetricNamesResponse>(
        `/metrics/names?service=prometheus&from=${Date.now() - 600_000}`,
      );
      const byName = new Map(r.metrics.map((m) => [m.name, m]));
      return byName.has('prometheus_http_requests_total') && byName.has('up') ? byName : undefined;
    });
    expect(names.get('up')?.type).toBe('gauge');
    expect(names.get('prometheus_http_requests_total')).toMatchObject({
      type: 'sum',
      monotonic: true,
      temporality: 'cumulative',
    });

    // Metadata comes in its own requests (every 2 s here) and describes the samples after it.
    const described = await eventually('the metadata', async () => {
      const r = await api<MetricNamesResponse>(
        `/metrics/names?prefix=prometheus_http_requests&from=${Date.now() - 600_000}`,
      );
      const m = r.metrics.find((x) => x.name === 'prometheus_http_requests_total');
      return m?.description ? m.description : undefined;
    });
    expect(described).toContain('HTTP requests');

    // `up` is 1: Prometheus can scrape itself.
    const up = await api<MetricsQueryResponse>('/metrics/query', {
      from: String(Date.now() - 300_000),
      step: '10s',
      queries: [{ metric: 'up', service: 'prometheus', aggregation: 'max' }],
    });
    const upValues = up.results[0]?.series[0]?.points.map((p) => p[1]).filter((v) => v !== null);
    expect(upValues?.length).toBeGreaterThan(0);
    expect(new Set(upValues)).toEqual(new Set([1]));

    // Each scrape of /metrics counts as a request, so the counter has a positive rate once two
    // scrapes are stored.
    const rate = await eventually('a rate of scrapes', async () => {
      const r = await api<MetricsQueryResponse>('/metrics/query', {
        from: String(Date.now() - 300_000),
        step: '5s',
        queries: [
          {
            metric: 'prometheus_http_requests_total',
            aggregation: 'rate',
            filters: [{ key: 'handler', op: 'eq', value: '/metrics' }],
            groupBy: ['handler', 'code'],
          },
        ],
      });
      const series = r.results[0]?.series ?? [];
      return series.some((x) => x.points.some((p) => typeof p[1] === 'number' && p[1] > 0))
        ? series
        : undefined;
    });
    expect(rate.map((x) => x.labels)).toContainEqual({ handler: '/metrics', code: '200' });

    const keys = await api<MetricAttributesResponse>(
      `/metrics/prometheus_http_requests_total/attributes?from=${Date.now() - 600_000}`,
    );
    expect(keys.keys?.map((k) => k.key)).toEqual(expect.arrayContaining(['handler', 'code']));
    // job and instance became the resource, not attributes of every point.
    expect(keys.keys?.map((k) => k.key)).not.toContain('job');
    const resource = await select<{ r: Record<string, string> }>(
      s,
      "SELECT ResourceAttributes AS r FROM sightline.otel_metrics_gauge WHERE MetricName = 'up' AND ServiceName = 'prometheus' LIMIT 1",
    );
    expect(resource[0]?.r).toEqual({
      'service.name': 'prometheus',
      'service.instance.id': promTarget,
    });
  });

  it('answers 400 to bad snappy and bad protobuf, and keeps storing what Prometheus sends', async () => {
    const post = (body: Buffer) =>
      fetch(`${s.otlpUrl}/api/v1/write`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
        body,
      });
    const before = await countRows('otel_metrics_gauge', 'up');
    const badSnappy = await post(Buffer.from('this is not snappy at all'));
    expect(badSnappy.status).toBe(400);
    expect(await badSnappy.text()).toMatch(/not valid snappy/);
    const badProto = await post(Buffer.from(compress(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]))));
    expect(badProto.status).toBe(400);
    expect(await badProto.text()).toMatch(/not a valid protobuf prometheus.WriteRequest/);
    await eventually('more samples after the bad requests', async () => {
      const now = await countRows('otel_metrics_gauge', 'up');
      return now >= before + 2 ? now : undefined;
    });
  });

  it('stores every sample Prometheus holds, value for value and millisecond for millisecond', async () => {
    const promUrl = `http://${promTarget}`;
    // Enough scrapes for a counter reset (every sixth) and a stale marker (every fourth).
    const now = await eventually('eight scrapes of the demo target', async () => {
      const t = Date.now();
      const held = await prometheusSamples(promUrl, 'demo_jobs_total', '10m', t);
      return [...held.values()].some((x) => x.length >= 8) ? t : undefined;
    });
    // Compare up to the last scrape Prometheus has committed, not to a time a scrape in flight
    // may still write to: a scrape's samples are appended together.
    const ups = await prometheusSamples(promUrl, 'up{job="demo"}', '10m', now);
    const atMs = Math.max(...[...ups.values()].flat().map(([ms]) => ms));
    const held = await prometheusSamples(promUrl, '{job="demo"}', '10m', atMs);
    const heldCount = [...held.values()].reduce((n, x) => n + x.length, 0);
    // Remote write runs behind the scrapes: wait until every sample up to atMs has arrived.
    const points = await eventually('the demo samples in Sightline', async () => {
      const p = await storedPoints(s, 'demo', atMs);
      return p.filter((x) => x.flags === 0).length >= heldCount ? p : undefined;
    });

    const values = new Map<string, Samples>();
    const stale: StoredPoint[] = [];
    for (const p of points) {
      if (p.flags !== 0) {
        stale.push(p);
        continue;
      }
      const list = values.get(p.key) ?? [];
      list.push([p.ms, p.value]);
      values.set(p.key, list);
    }
    // Same series, same timestamps, same values (NaN for NaN, -0.5 for -0.5, +Inf for +Inf).
    expect([...values.keys()].sort()).toEqual([...held.keys()].sort());
    for (const [key, samples] of held) expect(values.get(key), key).toEqual(samples);
    const names = new Set([...held.keys()].map((k) => (JSON.parse(k) as [string])[0]));
    expect(names).toEqual(
      new Set([
        'demo_zero',
        'demo_nan',
        'demo_inf',
        'demo_jobs_total',
        'demo_latency_seconds_bucket',
        'demo_latency_seconds_count',
        'demo_latency_seconds_sum',
        'demo_flappy',
        'up',
        'scrape_duration_seconds',
        'scrape_samples_scraped',
        'scrape_samples_post_metric_relabeling',
        'scrape_series_added',
      ]),
    );
    const jobs = [...held].find(([k]) => k.includes('demo_jobs_total'));
    expect(jobs?.[0]).toContain('größe');
    expect(jobs?.[1].map(([, v]) => v)).toContain(0);

    // Stale markers: flagged NaN points, only for the series that went away, at scrape times.
    const scrapeTimes = new Set((held.get(seriesOf('up')) ?? []).map(([ms]) => ms));
    expect(stale.length).toBeGreaterThan(0);
    for (const p of stale) {
      expect(p.key).toBe(seriesOf('demo_flappy'));
      expect(p.value).toBeNaN();
      expect(p.flags).toBe(1);
      expect(scrapeTimes.has(p.ms)).toBe(true);
      expect(held.get(p.key)?.some(([ms]) => ms === p.ms)).toBe(false);
    }

    // Cumulative series are sums whose start is first seen (or 1 ms before a reset); gauges none.
    const sums = new Set(['demo_jobs_total', 'demo_latency_seconds_bucket']);
    for (const [key, samples] of held) {
      const stored = points.filter((p) => p.key === key && p.flags === 0);
      const name = (JSON.parse(key) as [string])[0];
      const cumulative = sums.has(name) || name.startsWith('demo_latency_seconds_');
      expect(new Set(stored.map((p) => p.table)), key).toEqual(
        new Set([cumulative ? 'sum' : 'gauge']),
      );
      expect(
        stored.map((p) => p.startMs),
        key,
      ).toEqual(cumulative ? expectedStarts(samples) : samples.map(() => 0));
    }
    const jobStarts = new Set(points.filter((p) => p.key === jobs?.[0]).map((p) => p.startMs));
    expect(jobStarts.size).toBeGreaterThan(1);

    // Description and unit from the metadata Prometheus sends on its own schedule, through the API.
    const catalog = await eventually('the demo metadata', async () => {
      const r = await api<MetricNamesResponse>(
        `/metrics/names?service=demo&prefix=demo_&from=${Date.now() - 600_000}`,
      );
      const byName = new Map(r.metrics.map((m) => [m.name, m]));
      const bucket = byName.get('demo_latency_seconds_bucket');
      return bucket?.description && byName.get('demo_jobs_total')?.description ? byName : undefined;
    });
    expect(catalog.get('demo_latency_seconds_bucket')).toMatchObject({
      unit: 's',
      description: DEMO_HELP.latency,
      type: 'sum',
    });
    expect(catalog.get('demo_jobs_total')).toMatchObject({
      unit: '',
      description: DEMO_HELP.jobs,
      type: 'sum',
      monotonic: true,
    });
    expect(catalog.get('demo_zero')).toMatchObject({ type: 'gauge', description: 'Always zero.' });
  });
});
