/**
 * The query API against hand-written SQL on the same store, in one run.
 *
 * Generates BENCH_QUERY_ROWS spans and as many logs (default 10,000,000 each) spread over the last
 * 24 h and inserts them straight into a fresh embedded store with `insertRows`, in slices so memory
 * stays bounded. The OTLP endpoint path is not measured here: the pipeline bench does that. A full
 * run loads for a while (~10 min at ~35k rows/s on 2 cores); `BENCH_QUERY_ROWS=1000000` is a quick run.
 *
 * Each question is then asked through the API (`app.inject`: routing, validation, SQL, JSON
 * serialisation) and as the SQL a ClickHouse expert would write by hand, alternating run by run,
 * and read back as parsed JSON on the store's reader client in both cases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStoreClients } from '@sightline/store/client-factory';
import { migrate } from '@sightline/store/migrate';
import { RATIO_GOAL, cases } from './bench-cases.ts';
import { DB, bytesPerRow, load, settle } from './bench-store.ts';

const ROWS = Number(process.env.BENCH_QUERY_ROWS ?? 10_000_000);
const BATCH = Number(process.env.BENCH_QUERY_BATCH ?? 25_000);
const RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 20);
const WARMUPS = 2;

// ---------------------------------------------------------------- measure

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
};

async function time(fn: () => Promise<string>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function run(): Promise<void> {
  console.log(
    `\n## query API vs hand-written SQL — ${ROWS} spans and ${ROWS} logs over 24 h, embedded store`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'sl-bench-query-'));
  const store = createStoreClients({ dataDir, database: DB });
  try {
    await migrate(store.writer, DB, { tracesDays: 0, logsDays: 0, metricsDays: 0 });
    const nowMs = Date.now();
    const data = await load(store, nowMs, ROWS, BATCH);
    const settled = await settle(store);
    const disk = await bytesPerRow(store);
    console.log(
      `\nloaded ${data.spans} spans + ${data.logs} logs in ${data.seconds.toFixed(1)} s ` +
        `(${Math.round((data.spans + data.logs) / data.seconds)} rows/s, generation overlapped with ${BATCH}-row inserts); ` +
        `merges settled after ${settled.waited.toFixed(0)} s more (active parts: ${settled.parts})`,
    );
    console.log(
      `bytes on disk per span ${(disk.otel_traces! / disk['otel_traces.rows']!).toFixed(1)}, ` +
        `per log ${(disk.otel_logs! / disk['otel_logs.rows']!).toFixed(1)} ` +
        `(+ trace id → time table ${((disk.otel_traces_trace_id_ts ?? 0) / data.spans).toFixed(1)} per span; not OPTIMIZEd)`,
    );
    console.log(
      `\n${RUNS} runs each after ${WARMUPS} warm-ups, API and SQL alternating; times in ms\n`,
    );
    console.log(
      '| query | API p50 | API p95 | SQL p50 | SQL p95 | API/SQL ratio | goal | met | same answer |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---|---|---|');
    for (const c of cases(store, data, nowMs)) {
      const apiDigest = await c.api(0);
      const sqlDigest = await c.sql(0);
      for (let i = 1; i < WARMUPS; i++) {
        await c.api(i);
        await c.sql(i);
      }
      const api: number[] = [];
      const sqlMs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        api.push(await time(() => c.api(WARMUPS + i)));
        sqlMs.push(await time(() => c.sql(WARMUPS + i)));
      }
      const [a50, a95, s50, s95] = [
        quantile(api, 0.5),
        quantile(api, 0.95),
        quantile(sqlMs, 0.5),
        quantile(sqlMs, 0.95),
      ];
      const ratio = a50 / s50;
      const met = ratio <= RATIO_GOAL && (c.maxP50Ms === undefined || a50 <= c.maxP50Ms);
      const same =
        apiDigest === sqlDigest
          ? `yes (${apiDigest.length > 40 ? apiDigest.slice(0, 40) + '…' : apiDigest})`
          : `NO: API ${apiDigest.slice(0, 60)} / SQL ${sqlDigest.slice(0, 60)}`;
      console.log(
        `| ${c.name} | ${a50.toFixed(1)} | ${a95.toFixed(1)} | ${s50.toFixed(1)} | ${s95.toFixed(1)} | ${ratio.toFixed(2)} | ${c.goal}${c.maxP50Ms ? `, ≤ ${RATIO_GOAL}× SQL` : ''} | ${met ? 'yes' : 'no'} | ${same} |`,
      );
    }
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
