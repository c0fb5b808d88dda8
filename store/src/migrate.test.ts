import type { ClickHouseClient } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { migrate } from './migrate.ts';
import type { Migration } from './migrations.ts';

// The cluster path of migrate() cannot run against chDB (no cluster, no Keeper): this drives it
// with a client that records what it is asked to run.
function recordingClient(applied: number[]) {
  const commands: string[] = [];
  const inserts: unknown[] = [];
  const client = {
    query: ({ query }: { query: string }) => {
      const rows = query.includes('version()')
        ? [{ v: '25.8.1.1' }]
        : applied.map((version) => ({ version }));
      return Promise.resolve({ json: () => Promise.resolve(rows) });
    },
    command: ({ query }: { query: string }) => {
      commands.push(query);
      return Promise.resolve({});
    },
    insert: ({ values }: { values: unknown[] }) => {
      inserts.push(...values);
      return Promise.resolve({});
    },
  } as unknown as ClickHouseClient;
  return { client, commands, inserts };
}

const retention = { tracesDays: 7, logsDays: 7, metricsDays: 30 };
const migrations: Migration[] = [
  {
    version: 1,
    name: 'one',
    statements: (ctx) => [
      `CREATE TABLE IF NOT EXISTS \`${ctx.database}\`.\`otel_traces\` (TraceId String) ENGINE = MergeTree ORDER BY TraceId`,
    ],
  },
  {
    version: 2,
    name: 'two',
    statements: (ctx) => [
      `CREATE TABLE IF NOT EXISTS \`${ctx.database}\`.\`alert_rules\` (id String, version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY id`,
    ],
  },
];

describe('migrate on a cluster', () => {
  it('creates the database, the record table and every table ON CLUSTER', async () => {
    const { client, commands, inserts } = recordingClient([]);
    const result = await migrate(client, 'sl', retention, { migrations, cluster: 'c1' });
    expect(result.applied).toEqual([1, 2]);
    expect(commands[0]).toBe('CREATE DATABASE IF NOT EXISTS `sl` ON CLUSTER `c1`');
    expect(commands[1]).toMatch(
      /^CREATE TABLE IF NOT EXISTS `sl`.`schema_migrations` ON CLUSTER `c1` \([^]*ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/all\/\{database\}\/\{table\}', '\{shard\}-\{replica\}'\)/,
    );
    expect(commands.slice(2)).toEqual([
      "CREATE TABLE IF NOT EXISTS `sl`.`otel_traces_local` ON CLUSTER `c1` (TraceId String) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}') ORDER BY TraceId",
      "CREATE TABLE IF NOT EXISTS `sl`.`otel_traces` ON CLUSTER `c1` AS `sl`.`otel_traces_local`\nENGINE = Distributed('c1', 'sl', 'otel_traces_local', cityHash64(TraceId))",
      "CREATE TABLE IF NOT EXISTS `sl`.`alert_rules` ON CLUSTER `c1` (id String, version UInt64) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/{table}', '{shard}-{replica}', version) ORDER BY id",
    ]);
    expect(inserts).toEqual([
      { version: 1, name: 'one' },
      { version: 2, name: 'two' },
    ]);
  });

  it('runs applied migrations again (servers added since lack their tables) without recording them twice', async () => {
    const { client, commands, inserts } = recordingClient([1]);
    const result = await migrate(client, 'sl', retention, { migrations, cluster: 'c1' });
    expect(result).toEqual({ applied: [2], alreadyApplied: [1] });
    expect(commands.filter((c) => c.includes('otel_traces_local'))).toHaveLength(2);
    expect(inserts).toEqual([{ version: 2, name: 'two' }]);
  });

  it('skips applied migrations on a single server', async () => {
    const { client, commands } = recordingClient([1, 2]);
    const result = await migrate(client, 'sl', retention, { migrations });
    expect(result).toEqual({ applied: [], alreadyApplied: [1, 2] });
    expect(commands).toHaveLength(2);
    expect(commands.join('\n')).not.toMatch(/ON CLUSTER|Replicated/);
  });
});
