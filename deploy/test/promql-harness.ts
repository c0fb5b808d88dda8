import { createServer, type Server } from 'node:http';
import type { RunningSightline } from '../src/all-in-one.ts';
import { select, startTestSightline } from './harness.ts';
import { startDemoTarget, type DemoTarget } from './prom-demo-target.ts';
import { prometheusSamples } from './prom-samples.ts';
import { startPrometheus, type PrometheusServer } from './prometheus-server.ts';

/**
 * The PromQL comparison's world: the Debian Prometheus scrapes itself (job `prometheus`), two
 * instances of a shop whose series are known (job `shop`) and the demo target (job `demo`: zeros,
 * NaN, ±Inf, a counter reset, a histogram, non-ASCII text, a series that comes and goes), and
 * remote-writes every sample to a Sightline started in this process. `sync` waits until both hold
 * the same samples; `mirrorHistogram` copies a classic histogram into an OTLP one.
 */
export interface PromQLHarness {
  readonly sightline: RunningSightline;
  readonly prom: PrometheusServer;
  /** Scrapes each shop instance answered so far. */
  shopScrapes(): number;
  /** Time of the first sample Sightline stored, ms. */
  firstSampleMs(): Promise<number>;
  /** Waits until Sightline holds every sample Prometheus holds up to `ms`, and no other. */
  sync(ms: number): Promise<void>;
  /**
   * Sends the classic histogram `family` (its `_bucket`, `_sum`, `_count` series, up to `ms`) to
   * Sightline as the OTLP explicit-bucket histogram `otlpName` with unit `unit`, same samples.
   */
  mirrorHistogram(family: string, otlpName: string, unit: string, ms: number): Promise<void>;
  close(): Promise<void>;
}

export const SHOP_BOUNDS = ['0.1', '0.5', '1', '+Inf'] as const;
const MIDDLES = [0.05, 0.3, 0.8, 3];

/** Observations the shop's latency histogram of `path` gains at scrape n, per bucket. */
const gained = (n: number, p: number) => [(n + p) % 3, 1 + p, n % 4, n % 5 === 0 ? 1 : 0];

/** The shop's exposition at its n-th scrape (n from 1), instance `inst` (0 or 1). */
export function shopExposition(n: number, inst: number): string {
  const temps = [0, -2.5, 3, 0, 7.25, 1];
  const lines = [
    '# HELP shop_requests_total Requests served.',
    '# TYPE shop_requests_total counter',
    `shop_requests_total{path="/cart",code="200"} ${10 * n + 3 * inst}`,
    // Restarts from zero every seventh scrape.
    `shop_requests_total{path="/cart",code="500"} ${(n % 7) * (inst + 1)}`,
    `shop_requests_total{path="/pay",code="200"} ${4 * n + (n % 3)}`,
    `shop_requests_total{path="/größe",code="404"} 0`,
    '# HELP shop_path_info Owner of each path.',
    '# TYPE shop_path_info gauge',
    `shop_path_info{path="/cart",team="checkout"} 1`,
    `shop_path_info{path="/pay",team="payments"} 1`,
    `shop_path_info{path="/größe",team="ünits"} 1`,
    '# HELP shop_temperature Temperature, degrees Celsius.',
    '# TYPE shop_temperature gauge',
    // Offsets chosen so that no two series ever tie (topk, sort): Prometheus orders ties as it
    // happens to; only one cellar is ever NaN at a time.
    `shop_temperature{room="kitchen"} ${temps[n % 6]! + inst / 8}`,
    `shop_temperature{room="hall"} ${n / 10 - 2.99 + inst}`,
    `shop_temperature{room="cellar"} ${inst === 0 && n % 5 === 0 ? 'NaN' : -1 - inst}`,
    '# HELP shop_latency_seconds Request latency.',
    '# TYPE shop_latency_seconds histogram',
  ];
  ['/cart', '/pay'].forEach((path, p) => {
    const perBucket = [0, 0, 0, 0];
    let sum = 0;
    for (let k = 1; k <= n; k++) {
      gained(k + inst, p).forEach((c, b) => {
        perBucket[b]! += c;
        sum += c * MIDDLES[b]!;
      });
    }
    let cumulative = 0;
    SHOP_BOUNDS.forEach((le, b) => {
      cumulative += perBucket[b]!;
      lines.push(`shop_latency_seconds_bucket{path="${path}",le="${le}"} ${cumulative}`);
    });
    lines.push(`shop_latency_seconds_sum{path="${path}"} ${sum}`);
    lines.push(`shop_latency_seconds_count{path="${path}"} ${cumulative}`);
  });
  return `${lines.join('\n')}\n`;
}

function startShop(inst: number, count: () => void): Promise<Server> {
  let n = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    n += 1;
    if (inst === 0) count();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(shopExposition(n, inst));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const addressOf = (s: Server): string => {
  const a = s.address();
  if (a === null || typeof a === 'string') throw new Error('target has no TCP address');
  return `127.0.0.1:${a.port}`;
};

/** Waits for `check` to hold, failing with `why()` when Prometheus dies or `limitMs` passes. */
export async function until(
  prom: PrometheusServer,
  what: string,
  check: () => boolean | Promise<boolean>,
  why: () => string = () => '',
  limitMs = 240_000,
): Promise<void> {
  const giveUp = Date.now() + limitMs;
  for (;;) {
    if (await check()) return;
    if (prom.exited()) throw new Error(`prometheus exited waiting for ${what}: ${prom.log()}`);
    if (Date.now() > giveUp) throw new Error(`still waiting for ${what}: ${why()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const JOBS = ['prometheus', 'shop', 'demo'];

/** A histogram point being rebuilt: cumulative count by bound, and the sum. */
interface At {
  b: Map<number, number>;
  sum: number;
}

async function storedSampleCount(s: RunningSightline, fromMs: number, toMs: number) {
  const part = (table: string) =>
    `SELECT count() AS n FROM ${s.store.database}.${table}
     WHERE ServiceName IN {jobs:Array(String)} AND bitAnd(Flags, 1) = 0
       AND TimeUnix >= fromUnixTimestamp64Milli({from:Int64})
       AND TimeUnix <= fromUnixTimestamp64Milli({to:Int64})`;
  const rows = await select<{ n: string }>(
    s,
    `SELECT sum(n) AS n FROM (${part('otel_metrics_gauge')} UNION ALL ${part('otel_metrics_sum')})`,
    { jobs: JOBS, from: fromMs, to: toMs },
  );
  return Number(rows[0]?.n ?? 0);
}

export async function startPromQLHarness(): Promise<PromQLHarness> {
  const sightline = await startTestSightline();
  let shopScrapes = 0;
  const shops = [await startShop(0, () => (shopScrapes += 1)), await startShop(1, () => undefined)];
  const demo: DemoTarget = await startDemoTarget();
  const prom = await startPrometheus({
    sightlineUrl: sightline.otlpUrl,
    jobs: { prometheus: ['self'], shop: shops.map(addressOf), demo: [addressOf(demo.server)] },
  });
  const firstSampleMs = async () => {
    const rows = await select<{ first: string }>(
      sightline,
      `SELECT toString(toUnixTimestamp64Milli(min(TimeUnix))) AS first
       FROM ${sightline.store.database}.otel_metrics_sum WHERE ServiceName = 'shop'`,
    );
    return Number(rows[0]?.first ?? 0);
  };
  return {
    sightline,
    prom,
    shopScrapes: () => shopScrapes,
    firstSampleMs,
    async sync(ms) {
      const window = 3_600_000;
      // Every raw sample of the jobs (a range selector's answer), counted here: count_over_time
      // would drop the names and make series collide.
      const counted = async () => {
        const r = await prom.api<{ result: { values: unknown[] }[] }>('query', {
          query: `{job=~"${JOBS.join('|')}"}[${window / 1000}s]`,
          time: (ms / 1000).toFixed(3),
        });
        return r.result.reduce((n, x) => n + x.values.length, 0);
      };
      const want = await counted();
      let have = 0;
      await until(
        prom,
        `Sightline to hold Prometheus's ${want} samples up to ${new Date(ms).toISOString()}`,
        async () => (have = await storedSampleCount(sightline, ms - window, ms)) === want,
        () => `Sightline holds ${have}`,
      );
    },
    async mirrorHistogram(family, otlpName, unit, ms) {
      const from = (await firstSampleMs()) - 1_000;
      const window = `${Math.ceil((ms - from) / 1000)}s`;
      const read = (suffix: string) =>
        prometheusSamples(`http://${prom.address}`, `${family}${suffix}{job="shop"}`, window, ms);
      const [buckets, sums] = await Promise.all([read('_bucket'), read('_sum')]);
      const points = new Map<string, { attrs: Record<string, string>; byTime: Map<number, At> }>();
      for (const [key, samples] of buckets) {
        const [, entries] = JSON.parse(key) as [string, [string, string][]];
        const labels = Object.fromEntries(entries);
        const { le = '', ...attrs } = labels;
        const id = JSON.stringify(Object.entries(attrs).sort());
        const series = points.get(id) ?? { attrs, byTime: new Map<number, At>() };
        points.set(id, series);
        for (const [t, v] of samples) {
          const at: At = series.byTime.get(t) ?? { b: new Map<number, number>(), sum: 0 };
          series.byTime.set(t, at);
          at.b.set(le === '+Inf' ? Infinity : Number(le), v);
        }
      }
      for (const [key, samples] of sums) {
        const [, entries] = JSON.parse(key) as [string, [string, string][]];
        const id = JSON.stringify(entries.filter(([k]) => k !== 'le').sort());
        for (const [t, v] of samples) {
          const at = points.get(id)?.byTime.get(t);
          if (at) at.sum = v;
        }
      }
      const resourceMetrics = [...points.values()].map(({ attrs, byTime }) => {
        const { job = '', instance = '', ...rest } = attrs;
        const startMs = Math.min(...byTime.keys());
        const dataPoints = [...byTime].map(([t, { b, sum }]) => {
          const bounds = [...b.keys()].sort((x, y) => x - y);
          const cumulative = bounds.map((x) => b.get(x) ?? 0);
          const counts = cumulative.map((c, i) => c - (i === 0 ? 0 : cumulative[i - 1]!));
          return {
            attributes: Object.entries(rest).map(([k, v]) => ({
              key: k,
              value: { stringValue: v },
            })),
            startTimeUnixNano: `${BigInt(startMs) * 1_000_000n}`,
            timeUnixNano: `${BigInt(t) * 1_000_000n}`,
            count: String(cumulative[cumulative.length - 1] ?? 0),
            sum,
            explicitBounds: bounds.filter((x) => x !== Infinity),
            bucketCounts: counts.map(String),
          };
        });
        return {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: job } },
              { key: 'service.instance.id', value: { stringValue: instance } },
            ],
          },
          scopeMetrics: [
            {
              metrics: [
                { name: otlpName, unit, histogram: { aggregationTemporality: 2, dataPoints } },
              ],
            },
          ],
        };
      });
      const res = await fetch(`${sightline.otlpUrl}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resourceMetrics }),
      });
      if (res.status !== 200) throw new Error(`OTLP export: ${res.status} ${await res.text()}`);
    },
    async close() {
      await prom.stop();
      for (const t of [...shops, demo.server]) await new Promise((r) => t.close(r));
      await sightline.close();
    },
  };
}
