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

/**
 * Caller → callee edges: every span started in the range whose parent span (same TraceId,
 * SpanId = its ParentSpanId) belongs to another service. Errors and p95 (quantileExactInclusive,
 * as in RED) are the callee spans'. The parent side is bounded in time so the join reads only
 * the partitions around the range. LEFT ANY JOIN gives each child one parent (a parent stored
 * twice counts once) while a parent joins every one of its children: an INNER ANY JOIN pairs
 * each parent with a single child, and dropped a call whenever its client span had others.
 */
export async function serviceMapEdges(
  client: ClickHouseClient,
  database: string,
  range: TimeRange,
  limit: number,
): Promise<{ edges: ServiceMapEdge[]; truncated: boolean }> {
  const db = ident(database);
  const p = new Params('s');
  const rs = await client.query({
    query: `SELECT parent.ServiceName AS caller, child.ServiceName AS callee, count() AS calls,
        countIf(child.StatusCode = 'Error') AS errors,
        quantileExactInclusive(0.95)(child.Duration) AS p95,
        groupUniqArrayIf(parent.breaker, parent.breaker != '') AS breakers
      FROM (
        SELECT TraceId, ParentSpanId, ServiceName, StatusCode, Duration FROM ${db}.otel_traces
        WHERE ${spanRangeSql(range, undefined, p)} AND ParentSpanId != ''
      ) AS child
      LEFT ANY JOIN (
        SELECT TraceId, SpanId, ServiceName, SpanAttributes['circuit_breaker.name'] AS breaker
        FROM ${db}.otel_traces
        WHERE Timestamp >= ${msParam(range.fromMs - PARENT_BEFORE_MS, p)}
          AND Timestamp < ${msParam(range.toMs + PARENT_AFTER_MS, p)}
      ) AS parent
      ON child.TraceId = parent.TraceId AND child.ParentSpanId = parent.SpanId
      WHERE parent.ServiceName != '' AND parent.ServiceName != child.ServiceName
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
