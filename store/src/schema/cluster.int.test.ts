import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreClients, type StoreClients } from '../client-factory.ts';
import { migrate, statementsFor } from '../migrate.ts';
import { MIGRATIONS } from '../migrations.ts';
import { SHARDING_KEYS } from './cluster.ts';
import { qualified, type DdlContext } from './ddl-context.ts';

// No ClickHouse cluster can run here (embedded chDB is one node without Keeper), so the cluster
// DDL is checked as far as one node allows: ClickHouse's own parser accepts every statement, and
// every sharding key is a valid integer expression over the real tables.

const retention = { tracesDays: 7, logsDays: 7, metricsDays: 30 };
const ctx: DdlContext = { database: 'sl', textIndex: true, retention, cluster: 'observability' };
let store: StoreClients;

beforeAll(async () => {
  store = createStoreClients({
    dataDir: mkdtempSync(join(tmpdir(), 'sl-cluster-')),
    database: 'sl',
  });
  await migrate(store.writer, 'sl', retention);
}, 120_000);
afterAll(async () => store.close());

async function explain(statement: string): Promise<string> {
  const rs = await store.reader.query({
    query: `EXPLAIN AST ${statement}`,
    format: 'TabSeparatedRaw',
  });
  return rs.text();
}

describe('cluster DDL against ClickHouse', () => {
  it("parses with ClickHouse's own parser", async () => {
    const statements = MIGRATIONS.flatMap((m) => statementsFor(ctx, m));
    expect(statements.length).toBeGreaterThan(MIGRATIONS.length);
    for (const statement of statements) {
      expect(await explain(statement), statement.slice(0, 80)).toMatch(
        /^"?(CreateQuery|AlterQuery)/,
      );
    }
    // The check is real: a statement ClickHouse cannot parse is reported.
    await expect(explain(`${statements[0]} ORDER BY x`)).rejects.toThrow(/Syntax error/);
  });

  it('computes every sharding key as an unsigned 64-bit integer from the table columns', async () => {
    for (const [table, key] of Object.entries(SHARDING_KEYS)) {
      const rs = await store.reader.query({
        query: `DESCRIBE (SELECT ${key} AS shard_key FROM ${qualified(ctx, table)})`,
        format: 'JSONEachRow',
      });
      const [column] = await rs.json<{ name: string; type: string }>();
      expect(column, table).toEqual(expect.objectContaining({ name: 'shard_key', type: 'UInt64' }));
    }
  });

  it('sends a log without a trace id to a shard by service and time, with one by its trace', async () => {
    const key = SHARDING_KEYS['otel_logs']!;
    const rs = await store.reader.query({
      query: `SELECT ${key} AS k FROM (SELECT * FROM values('TraceId String, ServiceName String, Timestamp DateTime64(9)',
        ('', 'a', '2026-01-01 00:00:00'), ('', 'a', '2026-01-01 00:00:01'), ('t1', 'a', '2026-01-01 00:00:00'),
        ('t1', 'b', '2026-01-02 00:00:00')))`,
      format: 'JSONEachRow',
    });
    const [a0, a1, t1a, t1b] = (await rs.json<{ k: string }>()).map((r) => r.k);
    expect(a0).not.toBe(a1);
    expect(t1a).toBe(t1b);
  });
});
