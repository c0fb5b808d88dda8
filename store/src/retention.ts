import type { ClickHouseClient } from '@clickhouse/client';
import { localTable } from './schema/cluster.ts';
import { ident, qualified, ttlClause, type Retention } from './schema/ddl-context.ts';
import { LOGS_TABLE } from './schema/logs.ts';
import { METRIC_TABLES } from './schema/metrics.ts';
import { RED_HISTOGRAM_TABLE } from './schema/red-histogram.ts';
import { EDGE_ORPHANS_TABLE, SERVICE_EDGES_TABLE } from './schema/service-edges.ts';
import { TRACE_SUMMARIES_TABLE } from './schema/trace-summaries.ts';
import { TRACE_ID_TS_TABLE, TRACES_TABLE } from './schema/traces.ts';

interface TtlTarget {
  readonly table: string;
  readonly column: string;
  readonly days: (r: Retention) => number;
}

const TARGETS: readonly TtlTarget[] = [
  { table: TRACES_TABLE, column: 'Timestamp', days: (r) => r.tracesDays },
  { table: TRACE_ID_TS_TABLE, column: 'Start', days: (r) => r.tracesDays },
  { table: TRACE_SUMMARIES_TABLE, column: 'Start', days: (r) => r.tracesDays },
  { table: RED_HISTOGRAM_TABLE, column: 'Minute', days: (r) => r.tracesDays },
  { table: SERVICE_EDGES_TABLE, column: 'Minute', days: (r) => r.tracesDays },
  { table: EDGE_ORPHANS_TABLE, column: 'toDateTime(Timestamp)', days: (r) => r.tracesDays },
  { table: LOGS_TABLE, column: 'TimestampTime', days: (r) => r.logsDays },
  ...Object.values(METRIC_TABLES).map((table) => ({
    table,
    column: 'TimeUnix',
    days: (r: Retention) => r.metricsDays,
  })),
];

/** The TTL days a table has now, or 0 for none. */
export function ttlDaysOf(engineFull: string): number {
  const m = /TTL\s.*toIntervalDay\((\d+)\)/.exec(engineFull);
  return m?.[1] ? Number(m[1]) : 0;
}

/**
 * Brings every table's TTL to the configured retention (the tables may have been created with other
 * values). Old rows are dropped by whole parts as they age, not rewritten now. In a cluster the TTL
 * lives on the local tables behind the Distributed ones.
 */
export async function applyRetention(
  client: ClickHouseClient,
  database: string,
  retention: Retention,
  cluster?: string,
): Promise<string[]> {
  const stored = (t: TtlTarget) => (cluster === undefined ? t.table : localTable(t.table));
  const rs = await client.query({
    query:
      'SELECT name, engine_full FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}',
    query_params: { db: database, names: TARGETS.map(stored) },
    format: 'JSONEachRow',
  });
  const current = new Map(
    (await rs.json<{ name: string; engine_full: string }>()).map((r) => [r.name, r.engine_full]),
  );
  const changed: string[] = [];
  for (const t of TARGETS) {
    const engine = current.get(stored(t));
    const want = t.days(retention);
    if (engine === undefined || ttlDaysOf(engine) === want) continue;
    const table =
      qualified({ database }, stored(t)) +
      (cluster === undefined ? '' : ` ON CLUSTER ${ident(cluster)}`);
    await client.command({
      query:
        want > 0
          ? `ALTER TABLE ${table} MODIFY ${ttlClause(t.column, want)}`
          : `ALTER TABLE ${table} REMOVE TTL`,
      clickhouse_settings: { materialize_ttl_after_modify: 0 },
    });
    changed.push(t.table);
  }
  return changed;
}
