import type { ClickHouseClient } from '@clickhouse/client';
import { qualified } from './schema/ddl-context.ts';
import { INGEST_BATCHES_TABLE, ingestBatchesTable } from './schema/ingest-batches.ts';

/** A batch's offsets on its partition, both inclusive. */
export interface OffsetRange {
  readonly first: number;
  readonly last: number;
}

/** The partition a batch came from, and which consumer group read it. */
export interface BatchSource {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
}

/**
 * Creates the batch-records table (the migrations' own definition) where it is missing, for an
 * ingest member started against a database the migrations have not run in. Retention settings do
 * not apply to this table, so none are needed.
 */
export async function ensureBatchRecordsTable(
  client: ClickHouseClient,
  database: string,
): Promise<void> {
  const ctx = {
    database,
    textIndex: false,
    retention: { tracesDays: 0, logsDays: 0, metricsDays: 0 },
  };
  await client.command({ query: ingestBatchesTable(ctx) });
}

/** Writes down a batch's offsets before it is inserted, so a replay re-forms the same batch. */
export async function recordBatch(
  client: ClickHouseClient,
  database: string,
  source: BatchSource,
  range: OffsetRange,
): Promise<void> {
  await client.insert({
    table: qualified({ database }, INGEST_BATCHES_TABLE),
    columns: ['group_id', 'topic', 'partition', 'first_offset', 'last_offset'],
    values: [[source.groupId, source.topic, source.partition, range.first, range.last]],
    format: 'JSONCompactEachRow',
  });
}

/** The recorded batches of a partition that end at or after `from`, oldest first. */
export async function loadBatchRecords(
  client: ClickHouseClient,
  database: string,
  source: BatchSource,
  from: number,
): Promise<OffsetRange[]> {
  const rs = await client.query({
    query: `SELECT first_offset AS first, max(last_offset) AS last
      FROM ${qualified({ database }, INGEST_BATCHES_TABLE)}
      WHERE group_id = {g:String} AND topic = {t:String} AND partition = {p:UInt32}
        AND last_offset >= {from:UInt64}
      GROUP BY first_offset ORDER BY first_offset`,
    query_params: { g: source.groupId, t: source.topic, p: source.partition, from },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ first: string | number; last: string | number }>();
  return rows.map((r) => ({ first: Number(r.first), last: Number(r.last) }));
}
