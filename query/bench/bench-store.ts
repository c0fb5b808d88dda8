/** Loading the bench workload into the store, and reading back what the store holds. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { StoreClients } from '@sightline/store/client-factory';
import { insertRows } from '@sightline/store/insert';
import { BIG_TRACE_SPANS, Workload } from './bench-data.ts';

export const DB = 'sightline';

export interface Loaded {
  spans: number;
  logs: number;
  seconds: number;
  sampleIds: string[];
  bigTraceId: string;
}

/**
 * Loads `totalSpans` spans (and their logs) in `batch`-span slices. Generation of the next slice
 * overlaps the store's insert of the previous one.
 */
export async function load(
  store: StoreClients,
  endMs: number,
  totalSpans: number,
  batch: number,
): Promise<Loaded> {
  const w = new Workload(endMs * 1000);
  const bigTraceId = w.trace('report', (endMs - 30 * 60_000) * 1000, (BIG_TRACE_SPANS - 1) / 2);
  let spans = 0;
  let logs = 0;
  let pending: Promise<void> = Promise.resolve();
  const t0 = performance.now();
  while (spans < totalSpans) {
    w.fill(Math.min(batch, totalSpans - spans));
    const slice = w.take();
    spans += slice.spans.length;
    logs += slice.logs.length;
    await pending;
    pending = (async () => {
      await insertRows(store.writer, DB, 'spans', slice.spans);
      await insertRows(store.writer, DB, 'logs', slice.logs);
    })();
  }
  await pending;
  return {
    spans,
    logs,
    seconds: (performance.now() - t0) / 1000,
    sampleIds: w.sampleIds,
    bigTraceId,
  };
}

export async function rows<T>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** Lets background merges and mutations finish (bounded), so queries see a settled store's parts. */
export async function settle(store: StoreClients): Promise<{ waited: number; parts: string }> {
  const t0 = performance.now();
  while (performance.now() - t0 < 180_000) {
    const [m] = await rows<{ n: string }>(
      store.reader,
      `SELECT (SELECT count() FROM system.merges WHERE database = '${DB}') +
        (SELECT count() FROM system.mutations WHERE database = '${DB}' AND NOT is_done) AS n`,
    );
    if (Number(m?.n) === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const parts = await rows<{ table: string; n: string }>(
    store.reader,
    `SELECT table, count() AS n FROM system.parts WHERE database = '${DB}' AND active AND table IN ('otel_traces', 'otel_logs') GROUP BY table ORDER BY table`,
  );
  return {
    waited: (performance.now() - t0) / 1000,
    parts: parts.map((p) => `${p.table} ${p.n}`).join(', '),
  };
}

export async function bytesPerRow(store: StoreClients): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await rows<{ table: string; b: string; r: string }>(
    store.reader,
    `SELECT table, sum(bytes_on_disk) AS b, sum(rows) AS r FROM system.parts
     WHERE database = '${DB}' AND active GROUP BY table`,
  )) {
    out[r.table] = Number(r.b);
    out[`${r.table}.rows`] = Number(r.r);
  }
  return out;
}
