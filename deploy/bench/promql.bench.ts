/**
 * PromQL: Sightline's /prometheus API against the Debian Prometheus on the same samples, timed
 * side by side in one run (the issue's goal: no slower than Prometheus).
 *
 * BENCH_PROMQL_SERIES counter series and as many classic-histogram bucket series (default 1,000
 * each: 100 histograms × 10 buckets), one sample every 15 s over 24 h. Prometheus gets them as
 * TSDB blocks (`promtool tsdb create-blocks-from openmetrics`), Sightline as the rows remote write
 * would have stored (INSERT … SELECT with the same formulas). Both are asked over HTTP.
 */
import { spawn, execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { migrate } from '@sightline/store/migrate';
import { buildQueryApp } from '../../query/src/app.ts';
import { freePort } from '../test/image-rehearsal-run.ts';

const SERIES = Number(process.env.BENCH_PROMQL_SERIES ?? 1000);
const RUNS = Number(process.env.BENCH_PROMQL_RUNS ?? 5);
const HOURS = Number(process.env.BENCH_PROMQL_HOURS ?? 24);
const SCRAPE_MS = 15_000;
const DB = 'sightline';
const BOUNDS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];
const HISTOGRAMS = Math.max(1, Math.floor(SERIES / BOUNDS.length));
const exec = promisify(execFile);

// One formula per family, written once as SQL and once as JS for the OpenMetrics file.
const counterAt = (s: number, k: number) => k * (1 + (s % 7)) + Math.floor((k * (s % 5)) / 3);
const COUNTER_SQL = `k * (1 + s % 7) + intDiv(k * (s % 5), 3)`;
const bucketAt = (h: number, b: number, k: number) => k * (b + 1) * (1 + (h % 3));
const BUCKET_SQL = `k * (b + 1) * (1 + h % 3)`;
const job = (s: number) => `svc-${s % 10}`;

/** The OpenMetrics text of every sample, family by family, each in time order. */
async function writeOpenMetrics(file: string, startMs: number, points: number): Promise<void> {
  const out = createWriteStream(file);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  await write('# TYPE bench_requests_total unknown\n');
  for (let k = 0; k < points; k++) {
    const ts = (startMs + k * SCRAPE_MS) / 1000;
    let chunk = '';
    for (let s = 0; s < SERIES; s++) {
      chunk += `bench_requests_total{instance="pod-${s}",job="${job(s)}",route="/r${s % 50}"} ${counterAt(s, k)} ${ts}\n`;
    }
    await write(chunk);
  }
  await write('# TYPE bench_latency_seconds_bucket unknown\n');
  for (let k = 0; k < points; k++) {
    const ts = (startMs + k * SCRAPE_MS) / 1000;
    let chunk = '';
    for (let h = 0; h < HISTOGRAMS; h++) {
      BOUNDS.forEach((le, b) => {
        chunk += `bench_latency_seconds_bucket{instance="pod-${h}",job="${job(h)}",le="${le}"} ${bucketAt(h, b, k)} ${ts}\n`;
      });
    }
    await write(chunk);
  }
  await write('# EOF\n');
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}

/** The same samples as remote write stores them: sums under their own names, labels kept. */
async function loadSightline(store: StoreClients, startMs: number, points: number): Promise<void> {
  const insert = (name: string, rows: string) =>
    store.writer.command({
      query: `INSERT INTO ${DB}.otel_metrics_sum (ResourceAttributes, ServiceName, MetricName,
          Attributes, StartTimeUnix, TimeUnix, Value, Flags, AggregationTemporality, IsMonotonic)
        SELECT map('service.instance.id', concat('pod-', toString(s))), concat('svc-', toString(s % 10)),
          '${name}', attrs, fromUnixTimestamp64Milli(${startMs - SCRAPE_MS}),
          fromUnixTimestamp64Milli(toInt64(${startMs} + k * ${SCRAPE_MS})), v, 0, 2, true
        FROM (${rows})`,
      clickhouse_settings: { max_insert_threads: '2' },
    });
  await insert(
    'bench_requests_total',
    `SELECT number % ${SERIES} AS s, intDiv(number, ${SERIES}) AS k,
       map('route', concat('/r', toString(s % 50))) AS attrs, toFloat64(${COUNTER_SQL}) AS v
     FROM numbers(${SERIES * points})`,
  );
  const bounds = `[${BOUNDS.map((b) => `'${b}'`).join(', ')}]`;
  await insert(
    'bench_latency_seconds_bucket',
    `SELECT h AS s, k, map('le', ${bounds}[b + 1]) AS attrs, toFloat64(${BUCKET_SQL}) AS v FROM (
       SELECT number % ${HISTOGRAMS} AS h, intDiv(number, ${HISTOGRAMS}) % ${BOUNDS.length} AS b,
         intDiv(number, ${HISTOGRAMS * BOUNDS.length}) AS k
       FROM numbers(${HISTOGRAMS * BOUNDS.length * points}))`,
  );
}

/** CPU time (user + system, ms) a process has used, from /proc: 10 ms ticks. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** This process's CPU time (chDB runs in it, beside the HTTP client), ms. */
const ownCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function startPrometheus(tsdb: string) {
  const address = `127.0.0.1:${await freePort()}`;
  const config = join(tsdb, '..', 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1h\n');
  const child = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${tsdb}`,
      '--storage.tsdb.retention.time=30d',
      `--web.listen-address=${address}`,
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://${address}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || i > 600) throw new Error('prometheus did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://${address}`, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

type Matrix = { metric: Record<string, string>; values: [number, string][] }[];

async function rangeQuery(base: string, query: string, start: number, end: number, step: number) {
  const res = await fetch(`${base}/api/v1/query_range`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      query,
      start: String(start / 1000),
      end: String(end / 1000),
      step: String(step / 1000),
    }),
  });
  const body = (await res.json()) as { status: string; data: { result: Matrix }; error?: string };
  if (body.status !== 'success') throw new Error(`${base}: ${body.error}`);
  return body.data.result;
}

/** The largest relative difference between two answers, or why they cannot be compared. */
function difference(a: Matrix, b: Matrix): string {
  if (a.length !== b.length) return `series ${a.length} vs ${b.length}`;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (JSON.stringify(x.metric) !== JSON.stringify(y.metric)) return 'different label sets';
    if (x.values.length !== y.values.length)
      return `points ${x.values.length} vs ${y.values.length}`;
    x.values.forEach(([t, v], k) => {
      const [u, w] = y.values[k]!;
      if (t !== u) worst = Infinity;
      const p = Number(v);
      const q = Number(w);
      if (Number.isNaN(p) && Number.isNaN(q)) return;
      worst = Math.max(worst, Math.abs(p - q) / Math.max(Math.abs(p), Math.abs(q), 1e-12));
    });
  }
  return worst <= 0.001
    ? `yes (max rel. diff ${worst.toExponential(1)})`
    : `NO (max rel. diff ${worst})`;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};

export async function run(): Promise<void> {
  const points = (HOURS * 3_600_000) / SCRAPE_MS;
  console.log(
    `\n## PromQL: Sightline vs Prometheus ${HOURS} h, ${SERIES} counter + ${HISTOGRAMS * BOUNDS.length} bucket series, 15 s samples`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'sl-bench-promql-'));
  const store = createStoreClients({ dataDir: join(dir, 'sightline'), database: DB });
  let prom: { url: string; pid: number; stop: () => void } | undefined;
  try {
    const endMs = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const startMs = endMs - (points - 1) * SCRAPE_MS;
    let t0 = performance.now();
    await writeOpenMetrics(join(dir, 'samples.om'), startMs, points);
    await exec(
      'promtool',
      ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'samples.om'), join(dir, 'tsdb')],
      {
        maxBuffer: 64 << 20,
      },
    );
    rmSync(join(dir, 'samples.om'));
    console.log(`\nPrometheus blocks written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    t0 = performance.now();
    await migrate(store.writer, DB, { tracesDays: 0, logsDays: 0, metricsDays: 0 });
    await loadSightline(store, startMs, points);
    console.log(`Sightline rows inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    prom = await startPrometheus(join(dir, 'tsdb'));
    const app = buildQueryApp({ store, version: 'bench', maxTraceSpans: 1000 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const sightline = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/prometheus`;
    const cases = [
      'sum by (job) (rate(bench_requests_total[5m]))',
      'histogram_quantile(0.9, sum by (job, le) (rate(bench_latency_seconds_bucket[5m])))',
    ];
    const from = endMs - HOURS * 3_600_000 + 5 * 60_000;
    const step = 60_000;
    console.log(
      `\nquery_range over ${HOURS} h at a 1 min step; ${RUNS} runs each after a warm-up, alternating; ms\n`,
    );
    console.log(
      '| query | Sightline p50 | Prometheus p50 | Sightline/Prometheus | Sightline CPU p50 | Prometheus CPU p50 | CPU ratio | same answer |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---|');
    for (const q of cases) {
      const theirs: number[] = [];
      // CPU time beside wall time: on a shared machine the wall time measures the load too.
      const cpu = { ours: [] as number[], theirs: [] as number[] };
      const timed = async <T>(f: () => Promise<T>, into: number[], cpuInto?: number[]) => {
        const mine = into === ours;
        const c = mine ? ownCpuMs() : processCpuMs(prom!.pid);
        const t = performance.now();
        const r = await f();
        into.push(performance.now() - t);
        cpuInto?.push((mine ? ownCpuMs() : processCpuMs(prom!.pid)) - c);
        return r;
      };
      const ours: number[] = [];
      const reference = await timed(() => rangeQuery(prom!.url, q, from, endMs, step), []);
      let answer: Matrix;
      try {
        answer = await rangeQuery(sightline, q, from, endMs, step);
      } catch (err) {
        // Over the query timeout (or another limit): the row says so, with Prometheus' time.
        for (let i = 0; i < RUNS; i++)
          await timed(() => rangeQuery(prom!.url, q, from, endMs, step), theirs, cpu.theirs);
        console.log(
          `| \`${q}\` | failed: ${(err as Error).message} | ${median(theirs).toFixed(0)} | — | — | ${median(cpu.theirs).toFixed(0)} | — | — |`,
        );
        continue;
      }
      const same = difference(answer, reference);
      for (let i = 0; i < RUNS; i++) {
        await timed(() => rangeQuery(sightline, q, from, endMs, step), ours, cpu.ours);
        await timed(() => rangeQuery(prom!.url, q, from, endMs, step), theirs, cpu.theirs);
      }
      const [a, b] = [median(ours), median(theirs)];
      const [ca, cb] = [median(cpu.ours), median(cpu.theirs)];
      console.log(
        `| \`${q}\` | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(a / b).toFixed(2)} | ${ca.toFixed(0)} | ${cb.toFixed(0)} | ${(ca / cb).toFixed(2)} | ${same} |`,
      );
    }
    await app.close();
  } finally {
    prom?.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
