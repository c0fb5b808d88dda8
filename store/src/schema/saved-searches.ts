import { qualified, tableEngine, type DdlContext } from './ddl-context.ts';

export const SAVED_SEARCHES_TABLE = 'sightline_saved_searches';

/**
 * Saved log searches, kept like dashboards: one row per save, the newest `version` of an id wins
 * under FINAL, and a deletion is a save with deleted = 1. The name sits beside the JSON document
 * so the list sorts without parsing it.
 */
export function savedSearchesTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, SAVED_SEARCHES_TABLE)} (
    id String,
    version UInt64,
    deleted UInt8,
    name String,
    search String CODEC(ZSTD(1)),
    created_at DateTime64(3),
    updated_at DateTime64(3)
) ${tableEngine(ctx, 'ReplacingMergeTree(version)')}
ORDER BY id`;
}
