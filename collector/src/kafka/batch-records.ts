import type { ClickHouseClient } from '@clickhouse/client';
import type { OffsetRange } from './batch-plan.ts';

export const BATCH_RECORDS_TABLE = 'sightline_ingest_batches';

const ident = (name: string): string => `\`${name.replace(/`/g, '``')}\``;
const table = (database: string): string => `${ident(database)}.${ident(BATCH_RECORDS_TABLE)}`;

/** The partition a batch came from, and which consumer group read it. */
export interface BatchSource {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
}

/**
 * Where ingest writes down each batch's offsets before inserting it, so that after a crash or a
 * rebalance the replay re-forms the same batches (and so the same deduplication tokens). Only
 * records newer than the committed offset matter; a week is far more than any replay needs.
 */
export async function ensureBatchRecordsTable(
  client: ClickHouseClient,
  database: string,
): Promise<void> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${table(database)} (
      group_id String,
      topic String,
      partition UInt32,
      first_offset UInt64,
      last_offset UInt64,
      recorded_at DateTime DEFAULT now()
    ) ENGINE = ReplacingMergeTree(recorded_at)
    ORDER BY (group_id, topic, partition, first_offset)
    TTL recorded_at + INTERVAL 7 DAY`,
  });
}

export async function recordBatch(
  client: ClickHouseClient,
  database: string,
  source: BatchSource,
  range: OffsetRange,
): Promise<void> {
  await client.insert({
    table: table(database),
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
    query: `SELECT first_offset AS first, max(last_offset) AS last FROM ${table(database)}
      WHERE group_id = {g:String} AND topic = {t:String} AND partition = {p:UInt32}
        AND last_offset >= {from:UInt64}
      GROUP BY first_offset ORDER BY first_offset`,
    query_params: { g: source.groupId, t: source.topic, p: source.partition, from },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ first: string | number; last: string | number }>();
  return rows.map((r) => ({ first: Number(r.first), last: Number(r.last) }));
}
