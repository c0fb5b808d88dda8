import type { ClickHouseClient } from '@clickhouse/client';
import { clusterStatements } from './schema/cluster.ts';
import {
  ident,
  qualified,
  tableEngine,
  type DdlContext,
  type Retention,
} from './schema/ddl-context.ts';
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

export interface MigrateOptions {
  readonly migrations?: readonly Migration[];
  /** ClickHouse cluster name: replicated and Distributed tables, DDL run ON CLUSTER. */
  readonly cluster?: string | undefined;
}

/** The statements a migration runs against this store: as written, or in their cluster form. */
export function statementsFor(ctx: DdlContext, migration: Migration): string[] {
  const statements = migration.statements(ctx);
  const { cluster } = ctx;
  if (cluster === undefined) return statements;
  return statements.flatMap((s) => clusterStatements({ ...ctx, cluster }, s));
}

export function migrationsTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, MIGRATIONS_TABLE)} (
    version UInt32,
    name String,
    applied_at DateTime64(3) DEFAULT now64(3)
) ${tableEngine(ctx, 'ReplacingMergeTree')}
ORDER BY version`;
}

export async function migrate(
  client: ClickHouseClient,
  database: string,
  retention: Retention,
  options: MigrateOptions = {},
): Promise<MigrationResult> {
  const { migrations = MIGRATIONS, cluster } = options;
  const ctx: DdlContext = {
    database,
    retention,
    textIndex: await detectTextIndex(client),
    ...(cluster === undefined ? {} : { cluster }),
  };
  const onCluster = cluster === undefined ? '' : ` ON CLUSTER ${ident(cluster)}`;
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${ident(database)}${onCluster}` });
  const bootstrap = {
    version: 0,
    name: MIGRATIONS_TABLE,
    statements: (c: DdlContext) => [migrationsTable(c)],
  };
  for (const statement of statementsFor(ctx, bootstrap)) await client.command({ query: statement });
  const done = new Set(await appliedVersions(client, ctx));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    // On a cluster the record is replicated to servers added since, which still lack the tables:
    // every (idempotent, ON CLUSTER) statement runs again so that new shards get them too.
    if (done.has(m.version) && cluster === undefined) continue;
    for (const statement of statementsFor(ctx, m)) {
      await client.command({ query: statement });
    }
    if (done.has(m.version)) continue;
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
