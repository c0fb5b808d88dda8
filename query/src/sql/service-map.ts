import type { ClickHouseClient } from '@clickhouse/client';
import type {
  ServiceMapEdge,
  ServiceMapNode,
  ServiceMapNodeKind,
} from '@sightline/model/api/services';
import type { TimeRange } from './metrics-grid.ts';
import { msParam, Params } from './metrics-keys.ts';
import { entrySpansSql, spanRangeSql } from './red-stats.ts';
import { ident } from '@sightline/store/schema/ddl-context';
import {
  EDGE_ORPHANS_TABLE,
  EDGE_QUANTILE_FN,
  EDGE_QUANTILE_LEVEL,
  SERVICE_EDGES_TABLE,
} from '@sightline/store/schema/service-edges';

/**
 * How far outside the range a parent span is looked for. A parent starts before its child (by up
 * to its own duration), or slightly after it when the two hosts' clocks disagree.
 */
export const PARENT_BEFORE_MS = 10 * 60_000;
export const PARENT_AFTER_MS = 60_000;

interface EdgeRow {
  caller: string;
  callee: string;
  calls: string;
  errors: string;
  p95: number;
  breakers: string[];
}

export function edgeFromRow(r: EdgeRow, calleeKind: ServiceMapNodeKind): ServiceMapEdge {
  const calls = Number(r.calls);
  const errors = Number(r.errors);
  return {
    caller: r.caller,
    callee: r.callee,
    calleeKind,
    calls,
    errors,
    errorRate: calls === 0 ? 0 : errors / calls,
    p95Ms: r.p95 / 1e6,
    // Named only: their states come from the breakers' metrics (withBreakerStates).
    breakers: [...r.breakers].sort().map((name) => ({ name, state: null })),
  };
}

interface NodeRow {
  service: string;
  requests: string;
  errors: string;
}

const MINUTE_MS = 60_000;

/**
 * Caller → callee edges: every span started in the range whose parent span (same TraceId,
 * SpanId = its ParentSpanId) belongs to another service, counted once per child span, so a parent
 * with many children counts each. Errors and p95 (quantileExactInclusive, as in RED) are the
 * callee spans'. The whole minutes of the range come from the service graph (migration 13): the
 * pairs whose spans arrived together, counted per minute at ingest, plus the child spans whose
 * parent came in another insert, paired here with their parent. The partial minutes at either end
 * are paired from the spans, so the answer is exactly the range asked for.
 */
export async function serviceMapEdges(
  client: ClickHouseClient,
  database: string,
  range: TimeRange,
  limit: number,
): Promise<{ edges: ServiceMapEdge[]; truncated: boolean }> {
  const db = ident(database);
  const p = new Params('s');
  const spans = `${db}.otel_traces`;
  let m0 = Math.ceil(range.fromMs / MINUTE_MS) * MINUTE_MS;
  let m1 = Math.floor(range.toMs / MINUTE_MS) * MINUTE_MS;
  if (m1 <= m0) m0 = m1 = range.fromMs; // no whole minute: all from the spans
  const [from, to, w0, w1] = [range.fromMs, range.toMs, m0, m1].map((ms) => msParam(ms, p));
  const inWhole = (column: string) => `${column} >= ${w0} AND ${column} < ${w1}`;
  const around = (a: number, b: number) =>
    `(Timestamp >= ${msParam(a - PARENT_BEFORE_MS, p)} AND Timestamp < ${msParam(b + PARENT_AFTER_MS, p)})`;
  const orphans = `${db}.${EDGE_ORPHANS_TABLE}`;
  const state = `${EDGE_QUANTILE_FN}State${EDGE_QUANTILE_LEVEL}`;
  // Pairs children with their parents, who may have started before the children's time range.
  const paired = (children: string, parents: string) => `SELECT parent.ServiceName AS caller,
        child.ServiceName AS callee, count() AS calls, countIf(child.Error) AS errors,
        ${state}(child.Duration) AS d,
        groupUniqArrayIf(parent.breaker, parent.breaker != '') AS breakers
      FROM (${children}) AS child
      LEFT ANY JOIN (
        SELECT TraceId, SpanId, toString(ServiceName) AS ServiceName,
          SpanAttributes['circuit_breaker.name'] AS breaker
        FROM ${spans} WHERE ${parents}
      ) AS parent
      ON child.TraceId = parent.TraceId AND child.ParentSpanId = parent.SpanId
      WHERE parent.ServiceName != '' AND parent.ServiceName != child.ServiceName
      GROUP BY caller, callee`;
  const orphanWhere = `FROM ${orphans} WHERE ${inWhole('Timestamp')}`;
  const edgeEnds = `Timestamp >= ${from} AND Timestamp < ${to} AND NOT (${inWhole('Timestamp')})`;
  const rs = await client.query({
    query: `SELECT caller, callee, sum(calls) AS calls, sum(errors) AS errors,
        ${EDGE_QUANTILE_FN}Merge${EDGE_QUANTILE_LEVEL}(d) AS p95,
        groupUniqArrayArray(breakers) AS breakers
      FROM (
        SELECT toString(Caller) AS caller, toString(Callee) AS callee, sum(Calls) AS calls,
          sum(Errors) AS errors, ${EDGE_QUANTILE_FN}MergeState${EDGE_QUANTILE_LEVEL}(Duration) AS d,
          groupUniqArrayArray(Breakers) AS breakers
        FROM ${db}.${SERVICE_EDGES_TABLE} WHERE ${inWhole('Minute')}
        GROUP BY caller, callee
        UNION ALL
        ${paired(
          `SELECT TraceId, ParentSpanId, toString(ServiceName) AS ServiceName, Error, Duration
          ${orphanWhere}`,
          `${around(m0, m1)} AND TraceId IN (SELECT TraceId ${orphanWhere})`,
        )}
        UNION ALL
        ${paired(
          `SELECT TraceId, ParentSpanId, toString(ServiceName) AS ServiceName,
            StatusCode = 'Error' AS Error, Duration
          FROM ${spans} WHERE ${edgeEnds} AND ParentSpanId != ''`,
          `(${around(range.fromMs, m0)} OR ${around(m1, range.toMs)})`,
        )}
      )
      GROUP BY caller, callee
      ORDER BY calls DESC, caller, callee
      LIMIT ${p.add(limit + 1, 'UInt32')}`,
    query_params: p.values,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<EdgeRow>();
  return {
    edges: rows.slice(0, limit).map((r) => edgeFromRow(r, 'service')),
    truncated: rows.length > limit,
  };
}

/** Every service with spans in the range, with its requests counted as RED counts them. */
export async function serviceMapNodes(
  client: ClickHouseClient,
  database: string,
  range: TimeRange,
  limit: number,
): Promise<{ nodes: ServiceMapNode[]; truncated: boolean }> {
  const db = ident(database);
  const p = new Params('n');
  const timeWhere = spanRangeSql(range, undefined, p);
  const rs = await client.query({
    query: `SELECT ServiceName AS service, count() AS requests, countIf(StatusCode = 'Error') AS errors
      FROM ${db}.otel_traces
      WHERE ${timeWhere} AND ${entrySpansSql(db, timeWhere)}
      GROUP BY service ORDER BY requests DESC, service LIMIT ${p.add(limit + 1, 'UInt32')}`,
    query_params: p.values,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<NodeRow>();
  const nodes = rows.slice(0, limit).map((r): ServiceMapNode => {
    const requests = Number(r.requests);
    const errors = Number(r.errors);
    return {
      service: r.service,
      kind: 'service',
      requests,
      errors,
      errorRate: requests === 0 ? null : errors / requests,
    };
  });
  return { nodes, truncated: rows.length > limit };
}
