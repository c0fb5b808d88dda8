/**
 * Trace search at size (`npm run bench traces`): the API against the best hand-written SQL, and
 * what keeping the trace summaries costs at ingest.
 *
 * Loads BENCH_TRACES_SPANS spans (default 3,000,000) of the query bench's workload over 24 h twice,
 * each into a fresh embedded store: once without the trace summaries (migrations before 12) and
 * once with them, and prints both loads' speed and bytes on disk per span. Batches are shaped the
 * way a collector sees them: each is shuffled, and about 5 % of its spans arrive only with the next
 * batch, so many traces reach the store in two inserts. Then every question is asked through the
 * API and as two hand-written SQL queries: one pass over the spans (group by trace over the window,
 * filter with HAVING) and one over the summaries table; the ratio is to the faster of the two.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanRow } from '@sightline/model/rows';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { insertRows } from '@sightline/store/insert';
import { migrate } from '@sightline/store/migrate';
import { MIGRATIONS } from '@sightline/store/migrations';
import { HOUR_MS, Workload } from './bench-data.ts';
import { quantile, time, WARMUPS } from './bench-measure.ts';
import { bytesPerRow, DB, rows, settle } from './bench-store.ts';
import { serviceMapCase, traceSearchCases } from './trace-search-cases.ts';

const SPANS = Number(process.env.BENCH_TRACES_SPANS ?? 3_000_000);
const BATCH = Number(process.env.BENCH_TRACES_BATCH ?? 25_000);
const RUNS = Number(process.env.BENCH_TRACES_RUNS ?? 20);
const LATE = 0.05;

/** Deterministic, so both loads insert the same batches. */
function shuffler(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a * 1_103_515_245 + 12_345) >>> 0;
    return a / 4294967296;
  };
}

interface LoadResult {
  seconds: number;
  spans: number;
  traces: number;
  errors: number;
}

async function load(store: StoreClients, endMs: number): Promise<LoadResult> {
  const w = new Workload(endMs * 1000);
  const rand = shuffler(7);
  let carried: SpanRow[] = [];
  let spans = 0;
  let insertMs = 0;
  while (spans < SPANS) {
    w.fill(Math.min(BATCH, SPANS - spans));
    const fresh = w.take().spans;
    const batch: SpanRow[] = [...carried];
    carried = [];
    for (const s of fresh)
      (rand() < LATE && spans + fresh.length < SPANS ? carried : batch).push(s);
    for (let i = batch.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [batch[i], batch[j]] = [batch[j]!, batch[i]!];
    }
    spans += fresh.length;
    // Only the inserts are timed: generating the rows is the bench's work, not the store's.
    insertMs += await time(() => insertRows(store.writer, DB, 'spans', batch).then(() => ''));
  }
  if (carried.length > 0) await insertRows(store.writer, DB, 'spans', carried);
  const [c] = await rows<{ t: string; e: string }>(
    store.reader,
    `SELECT uniqExact(TraceId) AS t, countIf(StatusCode = 'Error') AS e FROM ${DB}.otel_traces`,
  );
  return { seconds: insertMs / 1000, spans, traces: Number(c?.t), errors: Number(c?.e) };
}

async function withStore<T>(fn: (store: StoreClients) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sl-bench-traces-'));
  const store = createStoreClients({ dataDir, database: DB });
  try {
    return await fn(store);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const NO_RETENTION = { tracesDays: 0, logsDays: 0, metricsDays: 0 };

async function loadAndWeigh(store: StoreClients, endMs: number, summaries: boolean) {
  await migrate(store.writer, DB, NO_RETENTION, {
    // Without: the tables of before this work (no trace summaries, no service graph).
    migrations: summaries ? MIGRATIONS : MIGRATIONS.filter((m) => m.version < 12),
  });
  const loaded = await load(store, endMs);
  await settle(store);
  const disk = await bytesPerRow(store);
  const perSpan = (table: string) => (disk[table] ?? 0) / loaded.spans;
  const spansB = perSpan('otel_traces');
  const idB = perSpan('otel_traces_trace_id_ts');
  const sumB = perSpan('sightline_trace_summaries');
  const graphB = perSpan('sightline_service_edges') + perSpan('sightline_service_edge_orphans');
  const total = spansB + idB + sumB + graphB;
  console.log(
    `| ${summaries ? 'with' : 'without'} | ${loaded.spans} | ${loaded.traces} | ${(loaded.spans / loaded.traces).toFixed(1)} | ` +
      `${((100 * loaded.errors) / loaded.spans).toFixed(2)} % | ${Math.round(loaded.spans / loaded.seconds)} | ` +
      `${spansB.toFixed(1)} | ${idB.toFixed(1)} | ${sumB.toFixed(1)} | ${graphB.toFixed(1)} | ${total.toFixed(1)} |`,
  );
  return loaded;
}

export async function run(): Promise<void> {
  console.log(`\n## trace search — ${SPANS} spans over 24 h, embedded store`);
  const endMs = Date.now();
  console.log(
    '\n| summaries and graph | spans | traces | spans/trace | error spans | insert spans/s | B/span spans | B/span id→time | B/span summaries | B/span service graph | B/span total |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  await withStore((store) => loadAndWeigh(store, endMs, false));
  await withStore(async (store) => {
    await loadAndWeigh(store, endMs, true);
    console.log(
      `\n${RUNS} runs each after ${WARMUPS} warm-ups, API and both SQLs alternating; times in ms; ` +
        'ratio = API p50 / the faster SQL p50\n',
    );
    console.log(
      '| query | API p50 | API p95 | spans SQL p50 | spans SQL p95 | summaries SQL p50 | summaries SQL p95 | ratio | same answer |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
    const to = Math.floor(endMs / 900_000) * 900_000;
    const hour = { from: to - HOUR_MS, to };
    for (const c of [
      ...traceSearchCases(store, hour, { from: to - 24 * HOUR_MS, to }),
      serviceMapCase(store, hour),
    ]) {
      const digests = [await c.api(), await c.spans(), await c.summaries()];
      for (let i = 1; i < WARMUPS; i++) for (const f of [c.api, c.spans, c.summaries]) await f();
      const ms: [number[], number[], number[]] = [[], [], []];
      for (let i = 0; i < RUNS; i++) {
        ms[0].push(await time(c.api));
        ms[1].push(await time(c.spans));
        ms[2].push(await time(c.summaries));
      }
      const [a, s, m] = ms.map((xs) => [quantile(xs, 0.5), quantile(xs, 0.95)] as const);
      const same = digests.every((d) => d === digests[0])
        ? `yes (${digests[0]!.split(',').length} traces or edges)`
        : `NO: ${digests.map((d) => d.slice(0, 40)).join(' / ')}`;
      console.log(
        `| ${c.name} | ${a![0].toFixed(1)} | ${a![1].toFixed(1)} | ${s![0].toFixed(1)} | ${s![1].toFixed(1)} | ` +
          `${m![0].toFixed(1)} | ${m![1].toFixed(1)} | ${(a![0] / Math.min(s![0], m![0])).toFixed(2)} | ${same} |`,
      );
    }
  });
}
