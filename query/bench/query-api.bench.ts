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
 *
 * `BENCH_QUERY_DIR=/some/folder` keeps the loaded store there and reuses it on the next run with
 * the same BENCH_QUERY_ROWS (the load time is kept with it, so the queried windows stay the same),
 * which makes iterating on the query side cheap after one full load; `BENCH_QUERY_ONLY=<text>`
 * asks only the questions whose name contains that text.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStoreClients } from '@sightline/store/client-factory';
import { migrate } from '@sightline/store/migrate';
import { cases } from './bench-cases.ts';
import { measureCases, WARMUPS } from './bench-measure.ts';
import { DB, bytesPerRow, load, settle, type Loaded } from './bench-store.ts';

const ROWS = Number(process.env.BENCH_QUERY_ROWS ?? 10_000_000);
const BATCH = Number(process.env.BENCH_QUERY_BATCH ?? 25_000);
const RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 20);
const KEEP_DIR = process.env.BENCH_QUERY_DIR;
/** Only the questions whose name contains this text (for iterating on one of them). */
const ONLY = process.env.BENCH_QUERY_ONLY;

interface Kept {
  rows: number;
  nowMs: number;
  data: Loaded;
}

export async function run(): Promise<void> {
  console.log(
    `\n## query API vs hand-written SQL — ${ROWS} spans and ${ROWS} logs over 24 h, embedded store`,
  );
  const dataDir = KEEP_DIR ?? mkdtempSync(join(tmpdir(), 'sl-bench-query-'));
  const metaFile = join(dataDir, 'bench-meta.json');
  const kept =
    KEEP_DIR !== undefined && existsSync(metaFile)
      ? (JSON.parse(readFileSync(metaFile, 'utf8')) as Kept)
      : undefined;
  if (kept && kept.rows !== ROWS)
    throw new Error(
      `${dataDir} holds ${kept.rows} rows, not ${ROWS}: remove it or change BENCH_QUERY_DIR`,
    );
  if (KEEP_DIR !== undefined && !kept) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
  }
  const store = createStoreClients({ dataDir, database: DB });
  try {
    await migrate(store.writer, DB, { tracesDays: 0, logsDays: 0, metricsDays: 0 });
    const nowMs = kept?.nowMs ?? Date.now();
    const data = kept?.data ?? (await load(store, nowMs, ROWS, BATCH));
    if (KEEP_DIR !== undefined && !kept)
      writeFileSync(metaFile, JSON.stringify({ rows: ROWS, nowMs, data } satisfies Kept));
    if (kept)
      console.log(
        `\nreusing the store kept in ${dataDir} (loaded ${new Date(nowMs).toISOString()})`,
      );
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
    await measureCases(cases(store, data, nowMs), RUNS, ONLY);
  } finally {
    await store.close();
    if (KEEP_DIR === undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}
