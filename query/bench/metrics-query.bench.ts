/**
 * The metrics query API (Prometheus semantics, query/src/sql/metrics-prom-sql.ts) against the SQL
 * a ClickHouse expert would write by hand for the same answers, on the same store, in one run.
 *
 * BENCH_METRICS_SERIES counter series and as many gauge series (default 1,000 each), one sample
 * every 15 s over the last 24 h (5.76M rows per metric at the default), generated inside the
 * embedded store with INSERT … SELECT (the ingest path is the pipeline bench's business). The
 * counters reset every 6 h, and every series' samples sit at its own offset within the 15 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricQuery, MetricsQueryResponse } from '@sightline/model/api/metrics';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { migrate } from '@sightline/store/migrate';
import { buildQueryApp } from '../src/app.ts';
import { RATIO_GOAL, type Case } from './bench-cases.ts';
import { measureCases, WARMUPS } from './bench-measure.ts';
import { DB, rows } from './bench-store.ts';

const SERIES = Number(process.env.BENCH_METRICS_SERIES ?? 1000);
const RUNS = Number(process.env.BENCH_METRICS_RUNS ?? 20);
const ONLY = process.env.BENCH_QUERY_ONLY;
const HOUR = 3_600_000;
const SCRAPE_MS = 15_000;

async function load(store: StoreClients, endMs: number): Promise<number> {
  const perHour = HOUR / SCRAPE_MS;
  const t0 = performance.now();
  for (let h = 0; h < 24; h++) {
    const begin = endMs - 24 * HOUR + h * HOUR;
    const sample = `SELECT number % ${SERIES} AS s, intDiv(number, ${SERIES}) + ${h * perHour} AS k,
        concat('svc-', toString(s % 10)) AS svc,
        toInt64(${begin} + (k - ${h * perHour}) * ${SCRAPE_MS} + (s * 37) % ${SCRAPE_MS}) AS t,
        map('service.name', svc, 'service.instance.id', concat('pod-', toString(s))) AS res,
        map('route', concat('/r', toString(s % 50)), 'code', toString(200 + (s % 3) * 100)) AS attrs
      FROM numbers(${SERIES * perHour})`;
    await store.writer.command({
      query: `INSERT INTO ${DB}.otel_metrics_sum (ResourceAttributes, ServiceName, MetricName,
          MetricUnit, Attributes, StartTimeUnix, TimeUnix, Value, Flags, AggregationTemporality,
          IsMonotonic)
        SELECT res, svc, 'bench_requests_total', '{request}', attrs,
          fromUnixTimestamp64Milli(${endMs - 25 * HOUR}), fromUnixTimestamp64Milli(t),
          (k % 1440) * (1 + s % 7) + intDiv((k % 1440) * (s % 5), 3), 0, 2, true
        FROM (${sample})`,
    });
    await store.writer.command({
      query: `INSERT INTO ${DB}.otel_metrics_gauge (ResourceAttributes, ServiceName, MetricName,
          MetricUnit, Attributes, TimeUnix, Value, Flags)
        SELECT res, svc, 'bench_queue_depth', '{message}', attrs, fromUnixTimestamp64Milli(t),
          (s % 13) + 5 * sin(k / 10), 0
        FROM (${sample})`,
    });
  }
  return (performance.now() - t0) / 1000;
}

// By hand: each sample copied to the evaluation steps whose window holds it, per series and
// step the first/last samples and resets, Prometheus' extrapolation, summed per group; staleness
// markers skipped, a new start time a reset, as the API must.
function rateSql(from: number, to: number, step: number, range: number, by: string): string {
  const first = from + step;
  const n = (to - from) / step;
  return `SELECT g, i, sum(r) AS value FROM (
    SELECT g, i, (vn - v1 + rs) * ((tn - t1) / 1000
        + if(ds < gap * 1.1, ds, gap / 2) + if(de < gap * 1.1, de, gap / 2))
        / ((tn - t1) / 1000) / ${range / 1000} AS r,
      (tn - t1) / 1000 / (n - 1) AS gap,
      least((t1 - (${first} + i * ${step} - ${range})) / 1000,
        if(vn - v1 + rs > 0 AND v1 >= 0, (tn - t1) / 1000 * v1 / (vn - v1 + rs), 1e308)) AS ds,
      (${first} + i * ${step} - tn) / 1000 AS de
    FROM (
      SELECT g, sk, i, count() AS n, min(t) AS t1, max(t) AS tn, argMin(v, t) AS v1,
        argMax(v, t) AS vn, sum(rc) - argMin(rc, t) AS rs
      FROM (
        SELECT g, sk, t, v, if((v < pv OR st != pst) AND pt > 0, pv, 0) AS rc,
          arrayJoin(range(toUInt32(greatest(0, ceil((t - ${first}) / ${step}))),
            toUInt32(greatest(0, least(${n}, floor((t + ${range} - ${first}) / ${step}) + 1))))) AS i
        FROM (
          SELECT ${by} AS g, cityHash64(ResourceAttributes, ScopeName, Attributes) AS sk,
            toUnixTimestamp64Milli(TimeUnix) AS t, Value AS v, StartTimeUnix AS st,
            lagInFrame(Value) OVER w AS pv, lagInFrame(toUnixTimestamp64Milli(TimeUnix)) OVER w AS pt,
            lagInFrame(StartTimeUnix) OVER w AS pst
          FROM ${DB}.otel_metrics_sum
          WHERE MetricName = 'bench_requests_total' AND bitAnd(Flags, 1) = 0
            AND TimeUnix BETWEEN fromUnixTimestamp64Milli(${first - range})
              AND fromUnixTimestamp64Milli(${to})
          WINDOW w AS (PARTITION BY sk ORDER BY TimeUnix ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
        )
      )
      GROUP BY g, sk, i
    )
    WHERE n >= 2
  ) GROUP BY g, i ORDER BY g, i`;
}

/** The gauge's newest sample within 5 minutes of each step's end, averaged per group. */
function gaugeSql(from: number, to: number, step: number, by: string, fn: string): string {
  const first = from + step;
  const n = (to - from) / step;
  return `SELECT g, i, ${fn}(val) AS value FROM (
    SELECT g, sk, i, argMax(v, t) AS val, argMax(Flags, t) AS f FROM (
      SELECT ${by} AS g, cityHash64(ResourceAttributes, ScopeName, Attributes) AS sk,
        toUnixTimestamp64Milli(TimeUnix) AS t, Value AS v, Flags,
        arrayJoin(range(toUInt32(greatest(0, ceil((t - ${first}) / ${step}))),
          toUInt32(greatest(0, least(${n}, floor((t + 300000 - ${first}) / ${step}) + 1))))) AS i
      FROM ${DB}.otel_metrics_gauge
      WHERE MetricName = 'bench_queue_depth'
        AND TimeUnix BETWEEN fromUnixTimestamp64Milli(${first - 300_000})
          AND fromUnixTimestamp64Milli(${to})
    ) GROUP BY g, sk, i
  ) WHERE bitAnd(f, 1) = 0 GROUP BY g, i ORDER BY g, i`;
}

const digest = (values: readonly number[]) =>
  `${values.length} values, sum ${values.reduce((a, b) => a + b, 0).toPrecision(9)}`;

function cases(store: StoreClients, endMs: number): Case[] {
  const app = buildQueryApp({ store, version: 'bench', maxTraceSpans: 100_000 });
  const to = Math.floor(endMs / 900_000) * 900_000;
  const api = async (from: number, step: string, q: MetricQuery) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/metrics/query',
      payload: { from: String(from), to: String(to), step, queries: [q] },
    });
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
    const [r] = res.json<MetricsQueryResponse>().results;
    return digest(
      r!.series.flatMap((s) => s.points.map((p) => p[1]).filter((v): v is number => v !== null)),
    );
  };
  const sql = async (text: string) =>
    digest((await rows<{ value: number }>(store.reader, text)).map((r) => Number(r.value)));
  const goal = `≤ ${RATIO_GOAL}× SQL`;
  const hour = to - HOUR;
  const day = to - 24 * HOUR + HOUR;
  return [
    {
      name: 'rate 5m by route, 1 h at 30 s',
      goal,
      api: () =>
        api(hour, '30s', {
          metric: 'bench_requests_total',
          aggregation: 'rate',
          range: '5m',
          groupBy: ['route'],
        }),
      sql: () => sql(rateSql(hour, to, 30_000, 300_000, `Attributes['route']`)),
    },
    {
      name: 'rate 1h by service, 23 h at 15 min',
      goal,
      api: () =>
        api(day, '15m', {
          metric: 'bench_requests_total',
          aggregation: 'rate',
          range: '1h',
          groupBy: ['service'],
        }),
      sql: () => sql(rateSql(day, to, 900_000, HOUR, 'ServiceName')),
    },
    {
      name: 'gauge avg by route (5 min lookback), 1 h at 1 min',
      goal,
      api: () =>
        api(hour, '1m', { metric: 'bench_queue_depth', aggregation: 'avg', groupBy: ['route'] }),
      sql: () => sql(gaugeSql(hour, to, 60_000, `Attributes['route']`, 'avg')),
    },
  ];
}

export async function run(): Promise<void> {
  console.log(
    `\n## metrics query API vs hand-written SQL — ${SERIES} counter + ${SERIES} gauge series, 15 s samples over 24 h`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'sl-bench-metrics-'));
  const store = createStoreClients({ dataDir, database: DB });
  try {
    await migrate(store.writer, DB, { tracesDays: 0, logsDays: 0, metricsDays: 0 });
    const endMs = Date.now();
    const seconds = await load(store, endMs);
    const total = 2 * SERIES * 24 * (HOUR / SCRAPE_MS);
    console.log(`\nloaded ${total} samples in ${seconds.toFixed(1)} s (INSERT … SELECT)`);
    console.log(
      `\n${RUNS} runs each after ${WARMUPS} warm-ups, API and SQL alternating; times in ms\n`,
    );
    await measureCases(cases(store, endMs), RUNS, ONLY);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
