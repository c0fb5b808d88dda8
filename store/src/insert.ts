import type { ClickHouseClient } from '@clickhouse/client';
import type { RowBatch, RowKind } from '@sightline/model/rows';
import { qualified } from './schema/ddl-context.ts';
import { COLUMNS, TABLES } from './columns.ts';

// JSON has no NaN or infinities (JSON.stringify writes null, which ClickHouse stores as 0) and
// writes -0 as 0; ClickHouse reads all of them from the quoted words it also writes for them.
const special = (v: number): string =>
  Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : '-0';
const isSpecial = (v: unknown): v is number =>
  typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0));

/** A column value as JSONCompactEachRow can carry it without losing NaN, ±Inf or -0. */
function jsonSafe(v: unknown): unknown {
  if (isSpecial(v)) return special(v);
  if (Array.isArray(v) && v.some(isSpecial)) return v.map(jsonSafe);
  return v;
}

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
  const values = rows.map((row) => columns.map((c) => jsonSafe((row as RowBatch[K][number])[c])));
  await client.insert({
    table: qualified({ database }, TABLES[kind]),
    columns: columns as [string, ...string[]],
    values,
    format: 'JSONCompactEachRow',
    clickhouse_settings: dedupToken ? { insert_deduplication_token: dedupToken } : {},
  });
}
