import { qualified, tableEngine, type DdlContext } from './ddl-context.ts';

export const DASHBOARDS_TABLE = 'sightline_dashboards';

/**
 * Saved dashboards, one row per save: `version` counts saves (1 on create), so the newest row of
 * an id wins under FINAL whether or not parts merged, and a deletion is a save with deleted = 1.
 * Title and tags sit beside the JSON document so the list can search them without parsing it.
 */
export function dashboardsTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, DASHBOARDS_TABLE)} (
    id String,
    version UInt64,
    deleted UInt8,
    title String,
    tags Array(String),
    dashboard String CODEC(ZSTD(1)),
    created_at DateTime64(3),
    updated_at DateTime64(3)
) ${tableEngine(ctx, 'ReplacingMergeTree(version)')}
ORDER BY id`;
}
