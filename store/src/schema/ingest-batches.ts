import { qualified, tableEngine, type DdlContext } from './ddl-context.ts';

export const INGEST_BATCHES_TABLE = 'sightline_ingest_batches';

/**
 * Ingest's record of each batch's offsets, created by the migrations so that a cluster gets it
 * replicated on every node: an ingest member that takes over a partition must see the records
 * another member wrote through another server, or its replay re-forms different batches and the
 * deduplication tokens no longer match. (Ingest also creates it IF NOT EXISTS at start, from
 * this same definition: store/src/batch-records.ts.)
 */
export function ingestBatchesTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, INGEST_BATCHES_TABLE)} (
    group_id String,
    topic String,
    partition UInt32,
    first_offset UInt64,
    last_offset UInt64,
    recorded_at DateTime DEFAULT now()
) ${tableEngine(ctx, 'ReplacingMergeTree(recorded_at)')}
ORDER BY (group_id, topic, partition, first_offset)
TTL recorded_at + INTERVAL 7 DAY`;
}
