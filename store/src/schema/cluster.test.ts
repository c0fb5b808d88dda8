import { EDGE_ORPHANS_TABLE, SERVICE_EDGES_TABLE } from './service-edges.ts';
import { describe, expect, it } from 'vitest';
import { migrationsTable, statementsFor } from '../migrate.ts';
import { MIGRATIONS, type Migration } from '../migrations.ts';
import {
  clusterStatements,
  EVERY_NODE_REPLICA_PATH,
  localTable,
  replicateEngine,
  SHARDED_REPLICA_PATH,
  SHARDING_KEYS,
  type ClusterContext,
} from './cluster.ts';
import { type DdlContext } from './ddl-context.ts';
import { LOGS_TABLE } from './logs.ts';
import { METRIC_TABLES } from './metrics.ts';
import { TRACE_SUMMARIES_TABLE } from './trace-summaries.ts';
import { RED_HISTOGRAM_TABLE } from './red-histogram.ts';
import { TRACE_ID_TS_TABLE, TRACES_TABLE } from './traces.ts';

const single: DdlContext = {
  database: 'sightline',
  textIndex: true,
  retention: { tracesDays: 7, logsDays: 7, metricsDays: 30 },
};
const clustered: ClusterContext = { ...single, cluster: 'observability' };

const BOOTSTRAP: Migration = {
  version: 0,
  name: 'schema_migrations',
  statements: (ctx) => [migrationsTable(ctx)],
};
const ALL = [BOOTSTRAP, ...MIGRATIONS];
const CREATED = /^\s*CREATE TABLE IF NOT EXISTS `sightline`\.`([^`]+)`/;

/** Every table the migrations create, in the single-server shape, by name. */
function singleTables(): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of ALL) {
    for (const s of m.statements(single)) {
      const name = CREATED.exec(s)?.[1];
      if (name) out.set(name, s);
    }
  }
  return out;
}

describe('single-server shape', () => {
  it('keeps the statements as written: plain engines, no ON CLUSTER, no Distributed', () => {
    for (const m of ALL) {
      const statements = statementsFor(single, m);
      expect(statements).toEqual(m.statements(single));
      for (const s of statements) {
        expect(s).not.toMatch(/ON CLUSTER|Replicated|Distributed|_local`/);
      }
    }
    expect(statementsFor(single, BOOTSTRAP)).toEqual([
      'CREATE TABLE IF NOT EXISTS `sightline`.`schema_migrations` (\n' +
        '    version UInt32,\n' +
        '    name String,\n' +
        '    applied_at DateTime64(3) DEFAULT now64(3)\n' +
        ') ENGINE = ReplacingMergeTree\n' +
        'ORDER BY version',
    ]);
    const traces = singleTables().get(TRACES_TABLE)!;
    expect(traces).toContain(') ENGINE = MergeTree\nPARTITION BY toDate(Timestamp)\n');
  });
});

describe('cluster shape', () => {
  it('turns the spans table into a replicated local table and a Distributed table by trace id', () => {
    const plain = singleTables().get(TRACES_TABLE)!;
    const [local, distributed, ...more] = clusterStatements(clustered, plain);
    expect(more).toEqual([]);
    expect(local).toBe(
      plain
        .replace(
          'CREATE TABLE IF NOT EXISTS `sightline`.`otel_traces` (',
          'CREATE TABLE IF NOT EXISTS `sightline`.`otel_traces_local` ON CLUSTER `observability` (',
        )
        .replace(
          ') ENGINE = MergeTree\n',
          ") ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')\n",
        ),
    );
    expect(distributed).toBe(
      'CREATE TABLE IF NOT EXISTS `sightline`.`otel_traces` ON CLUSTER `observability` AS `sightline`.`otel_traces_local`\n' +
        "ENGINE = Distributed('observability', 'sightline', 'otel_traces_local', cityHash64(TraceId))",
    );
  });

  it('shards every telemetry table by its documented key', () => {
    const tables = singleTables();
    const expected: [string, string, string][] = [
      [TRACES_TABLE, 'MergeTree', 'cityHash64(TraceId)'],
      [TRACE_ID_TS_TABLE, 'AggregatingMergeTree', 'cityHash64(TraceId)'],
      [TRACE_SUMMARIES_TABLE, 'AggregatingMergeTree', 'cityHash64(TraceId)'],
      [RED_HISTOGRAM_TABLE, 'AggregatingMergeTree', 'cityHash64(ServiceName, SpanName)'],
      [EDGE_ORPHANS_TABLE, 'MergeTree', 'cityHash64(TraceId)'],
      [SERVICE_EDGES_TABLE, 'AggregatingMergeTree', 'cityHash64(Caller, Callee)'],
      [
        LOGS_TABLE,
        'MergeTree',
        "if(TraceId = '', cityHash64(ServiceName, Timestamp), cityHash64(TraceId))",
      ],
      ...Object.values(METRIC_TABLES).map(
        (t) =>
          [t, 'MergeTree', 'cityHash64(ServiceName, MetricName, Attributes)'] as [
            string,
            string,
            string,
          ],
      ),
    ];
    expect(Object.keys(SHARDING_KEYS).sort()).toEqual(expected.map(([t]) => t).sort());
    for (const [table, engine, key] of expected) {
      const [local, distributed] = clusterStatements(clustered, tables.get(table)!);
      expect(local).toContain(
        `CREATE TABLE IF NOT EXISTS \`sightline\`.\`${table}_local\` ON CLUSTER \`observability\` (`,
      );
      expect(local).toContain(
        `ENGINE = Replicated${engine}('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')`,
      );
      expect(distributed).toBe(
        `CREATE TABLE IF NOT EXISTS \`sightline\`.\`${table}\` ON CLUSTER \`observability\` AS \`sightline\`.\`${table}_local\`\n` +
          `ENGINE = Distributed('observability', 'sightline', '${table}_local', ${key})`,
      );
    }
  });

  it('points the trace-id materialized view at the local tables on every node', () => {
    const view = MIGRATIONS[0]!.statements(single).find((s) => s.includes('MATERIALIZED VIEW'))!;
    expect(clusterStatements(clustered, view)).toEqual([
      'CREATE MATERIALIZED VIEW IF NOT EXISTS `sightline`.`otel_traces_trace_id_ts_mv` ON CLUSTER `observability`\n' +
        'TO `sightline`.`otel_traces_trace_id_ts_local`\n' +
        'AS SELECT TraceId, min(toDateTime(Timestamp)) AS Start, max(toDateTime(Timestamp)) AS End\n' +
        'FROM `sightline`.`otel_traces_local`\n' +
        "WHERE TraceId != ''\n" +
        'GROUP BY TraceId',
    ]);
  });

  it('points the trace summaries view at the local tables and leaves the backfill out', () => {
    const summaries = MIGRATIONS.find((m) => m.version === 12)!;
    expect(summaries.statements(single)).toHaveLength(3);
    const [local, distributed, view, ...more] = statementsFor(clustered, summaries);
    expect(more).toEqual([]);
    expect(local).toContain('`sightline_trace_summaries_local` ON CLUSTER');
    expect(distributed).toContain("'sightline_trace_summaries_local', cityHash64(TraceId))");
    expect(view).toContain('`sightline_trace_summaries_mv` ON CLUSTER `observability`\n');
    expect(view).toContain('TO `sightline`.`sightline_trace_summaries_local`\n');
    expect(view).toContain('FROM `sightline`.`otel_traces_local`\n');
  });

  it('points the RED histogram view at the local tables and leaves the backfill out', () => {
    const histograms = MIGRATIONS.find((m) => m.version === 14)!;
    expect(histograms.statements(single)).toHaveLength(3);
    const [local, distributed, view, ...more] = statementsFor(clustered, histograms);
    expect(more).toEqual([]);
    expect(local).toContain('`sightline_red_histogram_1m_local` ON CLUSTER');
    expect(distributed).toContain(
      "'sightline_red_histogram_1m_local', cityHash64(ServiceName, SpanName))",
    );
    expect(view).toContain('TO `sightline`.`sightline_red_histogram_1m_local`\n');
    expect(view).toContain('FROM `sightline`.`otel_traces_local`\n');
  });

  it('replicates the small state tables on every node under their own name', () => {
    expect(statementsFor(clustered, BOOTSTRAP)).toEqual([
      'CREATE TABLE IF NOT EXISTS `sightline`.`schema_migrations` ON CLUSTER `observability` (\n' +
        '    version UInt32,\n' +
        '    name String,\n' +
        '    applied_at DateTime64(3) DEFAULT now64(3)\n' +
        ") ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/{table}', '{shard}-{replica}')\n" +
        'ORDER BY version',
    ]);
  });

  it('gives every table of every migration a cluster form', () => {
    const tables = singleTables();
    expect(tables.size).toBeGreaterThan(Object.keys(SHARDING_KEYS).length);
    for (const m of ALL) {
      const plain = m.statements(single);
      const cluster = statementsFor(clustered, m);
      for (const s of cluster) expect(s).toContain('ON CLUSTER `observability`');
      for (const s of plain) {
        const table = CREATED.exec(s)?.[1];
        if (!table) continue;
        const forms = clusterStatements(clustered, s);
        const engine = /\bENGINE = (\w+)/.exec(s)![1]!;
        if (SHARDING_KEYS[table] === undefined) {
          expect(forms, `${table} (migration ${m.version})`).toHaveLength(1);
          expect(forms[0]).toContain(`\`sightline\`.\`${table}\` ON CLUSTER`);
          expect(forms[0]).toMatch(
            new RegExp(
              `ENGINE = Replicated${engine}\\('${escape(EVERY_NODE_REPLICA_PATH)}', '\\{shard\\}-\\{replica\\}'`,
            ),
          );
        } else {
          expect(forms, table).toHaveLength(2);
          expect(forms[0]).toContain(`\`${localTable(table)}\` ON CLUSTER`);
          expect(forms[0]).toContain(`ENGINE = Replicated${engine}('${SHARDED_REPLICA_PATH}'`);
          expect(forms[1]).toContain(`ENGINE = Distributed(`);
        }
        // Everything after the engine (ORDER BY, TTL, settings, engine arguments) is kept.
        const tail = (x: string) => x.slice(x.indexOf(')', x.indexOf('ENGINE = ')) + 1);
        if (s.includes(`ENGINE = ${engine}(`)) expect(tail(forms[0]!)).toBe(tail(s));
      }
    }
  });

  it('keeps engine arguments after the Keeper path and replica name', () => {
    expect(
      replicateEngine(') ENGINE = ReplacingMergeTree(version)\nORDER BY id', '/p', '{replica}'),
    ).toBe(") ENGINE = ReplicatedReplacingMergeTree('/p', '{replica}', version)\nORDER BY id");
    expect(
      replicateEngine(') ENGINE = SummingMergeTree((a, b))\nORDER BY id', '/p', '{replica}'),
    ).toBe(") ENGINE = ReplicatedSummingMergeTree('/p', '{replica}', (a, b))\nORDER BY id");
  });

  it('sends column changes to local and Distributed tables, other ALTERs to the local ones', () => {
    expect(
      clusterStatements(
        clustered,
        'ALTER TABLE `sightline`.`otel_logs` ADD COLUMN IF NOT EXISTS Extra String',
      ),
    ).toEqual([
      'ALTER TABLE `sightline`.`otel_logs_local` ON CLUSTER `observability` ADD COLUMN IF NOT EXISTS Extra String',
      'ALTER TABLE `sightline`.`otel_logs` ON CLUSTER `observability` ADD COLUMN IF NOT EXISTS Extra String',
    ]);
    expect(
      clusterStatements(
        clustered,
        'ALTER TABLE `sightline`.`otel_traces` ADD INDEX idx_x SpanName TYPE set(0)',
      ),
    ).toEqual([
      'ALTER TABLE `sightline`.`otel_traces_local` ON CLUSTER `observability` ADD INDEX idx_x SpanName TYPE set(0)',
    ]);
    // Replicated tables pass ALTERs to their replicas themselves.
    const alter = 'ALTER TABLE `sightline`.`alert_rules` ADD COLUMN IF NOT EXISTS owner String';
    expect(clusterStatements(clustered, alter)).toEqual([alter]);
    expect(clusterStatements(clustered, 'DROP VIEW IF EXISTS `sightline`.`otel_logs`')).toEqual([
      'DROP VIEW IF EXISTS `sightline`.`otel_logs` ON CLUSTER `observability`',
      'DROP VIEW IF EXISTS `sightline`.`otel_logs_local` ON CLUSTER `observability`',
    ]);
  });

  it('refuses statements it cannot run on every node', () => {
    expect(() =>
      clusterStatements(clustered, 'INSERT INTO `sightline`.`alert_rules` VALUES (1)'),
    ).toThrow(/no cluster form for this migration statement/);
    expect(() =>
      clusterStatements(
        clustered,
        'CREATE TABLE IF NOT EXISTS `sightline`.`t` (a UInt8) ENGINE = Memory',
      ),
    ).toThrow(/cannot replicate engine Memory/);
    expect(() =>
      clusterStatements(
        clustered,
        'CREATE TABLE IF NOT EXISTS `other`.`t` (a UInt8) ENGINE = MergeTree ORDER BY a',
      ),
    ).toThrow(/names database other, not sightline/);
  });

  it('quotes the cluster name as an identifier and as a string literal', () => {
    const odd: ClusterContext = { ...single, cluster: "we'ird`name" };
    const [, distributed] = clusterStatements(odd, singleTables().get(LOGS_TABLE)!);
    expect(distributed).toContain("ON CLUSTER `we'ird``name`");
    expect(distributed).toContain("Distributed('we\\'ird`name', 'sightline', 'otel_logs_local'");
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
