import type { ClickHouseClient } from '@clickhouse/client';
import { ident, qualified, type DdlContext, type Retention } from './schema/ddl-context.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';

export const MIGRATIONS_TABLE = 'schema_migrations';

export interface MigrationResult {
  readonly applied: readonly number[];
  readonly alreadyApplied: readonly number[];
}

/** Newer ClickHouse (and chDB) have inverted text indexes; older servers get bloom filters. */
export async function detectTextIndex(client: ClickHouseClient): Promise<boolean> {
  const rs = await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
  const [row] = await rs.json<{ v: string }>();
  const major = Number.parseInt(row?.v.split('.')[0] ?? '0', 10);
  return major >= 26;
}

export async function migrate(
  client: ClickHouseClient,
  database: string,
  retention: Retention,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  const ctx: DdlContext = { database, retention, textIndex: await detectTextIndex(client) };
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${ident(database)}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${qualified(ctx, MIGRATIONS_TABLE)} (
      version UInt32,
      name String,
      applied_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const done = new Set(await appliedVersions(client, ctx));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements(ctx)) {
      await client.command({ query: statement });
    }
    await client.insert({
      table: qualified(ctx, MIGRATIONS_TABLE),
      values: [{ version: m.version, name: m.name }],
      format: 'JSONEachRow',
    });
    applied.push(m.version);
  }
  return { applied, alreadyApplied: [...done].sort((a, b) => a - b) };
}

async function appliedVersions(client: ClickHouseClient, ctx: DdlContext): Promise<number[]> {
  const rs = await client.query({
    query: `SELECT DISTINCT version FROM ${qualified(ctx, MIGRATIONS_TABLE)}`,
    format: 'JSONEachRow',
  });
  return (await rs.json<{ version: number | string }>()).map((r) => Number(r.version));
}
