import { emptyBatch, ROW_KINDS, type RowBatch, type RowKind } from '@sightline/model/rows';
import type { ClickHouseClient } from '@clickhouse/client';
import { insertRows } from '@sightline/store/insert';
import type { Signal } from '../otlp/proto.ts';

/**
 * The one contract between the receivers and durability. Receive hands over an accepted request
 * (its signal, the decoded OTLP request and the rows it maps to) and answers the client when the
 * promise settles. Two implementations: the in-process sink (group commit, which stores `rows`)
 * and the Kafka sink (which publishes `request` as OTLP protobuf, the wire format other OTLP
 * consumers read; ingest maps it again under the same limits).
 */
export interface IngestSink {
  /** Resolves once the data is durable; rejects with a 429/503 SightlineError otherwise. */
  submit(signal: Signal, request: unknown, rows: RowBatch): Promise<void>;
}

/** The all-in-one sink: rows straight into the group-commit writer. */
export const inProcessSink = (writer: { submit(rows: RowBatch): Promise<void> }): IngestSink => ({
  submit: (_signal, _request, rows) => writer.submit(rows),
});

/** Stores one table's rows under a deduplication token: the direct writer both sinks end in. */
export type InsertTable = <K extends RowKind>(
  kind: K,
  rows: RowBatch[K],
  dedupToken: string,
) => Promise<void>;

/** The direct writer: the store's insert (its format chosen there) into `database`. */
export const directWriter =
  (client: ClickHouseClient, database: string): InsertTable =>
  (kind, rows, token) =>
    insertRows(client, database, kind, rows, token);

/**
 * Stores a batch table by table, each under `${token}:${kind}`. Tables in `stored` are skipped and
 * each one stored is added to it, so a retry resumes where the failure struck.
 */
export async function insertBatch(
  insert: InsertTable,
  batch: RowBatch,
  token: string,
  stored: Set<RowKind> = new Set(),
): Promise<void> {
  for (const kind of ROW_KINDS) {
    if (batch[kind].length === 0 || stored.has(kind)) continue;
    await insert(kind, batch[kind], `${token}:${kind}`);
    stored.add(kind);
  }
}

/** Several batches' rows as one batch per table, in order. */
export function mergeBatches(batches: Iterable<RowBatch>): RowBatch {
  const merged = emptyBatch();
  for (const b of batches) {
    for (const kind of ROW_KINDS) {
      const into = merged[kind] as unknown[];
      for (const row of b[kind]) into.push(row);
    }
  }
  return merged;
}
