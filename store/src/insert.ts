import type { ClickHouseClient } from '@clickhouse/client';
import type { RowBatch, RowKind } from '@sightline/model/rows';
import { qualified } from './schema/ddl-context.ts';
import { COLUMNS, TABLES } from './columns.ts';

/**
 * Inserts one kind of rows as a single block. With a deduplication token a replay of the same
 * block (after a lost acknowledgement or a crash) is dropped by ClickHouse instead of stored twice.
 */
export async function insertRows<K extends RowKind>(
  client: ClickHouseClient,
  database: string,
  kind: K,
  rows: RowBatch[K],
  dedupToken?: string,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = COLUMNS[kind] as readonly (keyof RowBatch[K][number] & string)[];
  const values = rows.map((row) => columns.map((c) => (row as RowBatch[K][number])[c]));
  await client.insert({
    table: qualified({ database }, TABLES[kind]),
    columns: columns as [string, ...string[]],
    values,
    format: 'JSONCompactEachRow',
    clickhouse_settings: dedupToken ? { insert_deduplication_token: dedupToken } : {},
  });
}
