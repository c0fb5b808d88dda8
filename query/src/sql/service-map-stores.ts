import type { ClickHouseClient } from '@clickhouse/client';
import type { Dependency } from '@sightline/model/api/dependencies';
import type {
  BreakerStateName,
  ServiceMapEdge,
  ServiceMapNode,
} from '@sightline/model/api/services';
import { ident } from '@sightline/store/schema/ddl-context';
import { addressSql, CACHE_SYSTEMS, DB_COLUMNS_SQL, storeNameSql } from './dependencies.ts';
import type { TimeRange } from './metrics-grid.ts';
import { Params } from './metrics-keys.ts';
import { spanRangeSql } from './red-stats.ts';
import { edgeFromRow } from './service-map.ts';

interface StoreEdgeRow {
  caller: string;
  callee: string;
  cache: number;
  calls: string;
  errors: string;
  p95: number;
  breakers: string[];
}

/**
 * Databases and caches as map nodes, and each service's calls to them as edges: its client
 * spans with a database system (`db.system.name`, or the older `db.system`), by system and
 * server address, errors and p95 those of the client spans. A store has no spans of its own, so
 * its node counts the calls made to it.
 */
export async function storeEdges(
  client: ClickHouseClient,
  database: string,
  range: TimeRange,
  limit: number,
): Promise<{ nodes: ServiceMapNode[]; edges: ServiceMapEdge[]; truncated: boolean }> {
  const db = ident(database);
  const p = new Params('db');
  const caches = CACHE_SYSTEMS.map((c) => `'${c}'`).join(', ');
  const rs = await client.query({
    query: `SELECT ServiceName AS caller, ${addressSql()} AS address, ${storeNameSql()} AS callee,
        sys IN (${caches}) AS cache, count() AS calls, countIf(StatusCode = 'Error') AS errors,
        quantileExactInclusive(0.95)(Duration) AS p95,
        groupUniqArrayIf(breaker, breaker != '') AS breakers
      FROM (
        SELECT ServiceName, StatusCode, Duration, ${DB_COLUMNS_SQL},
          SpanAttributes['circuit_breaker.name'] AS breaker
        FROM ${db}.otel_traces
        WHERE ${spanRangeSql(range, undefined, p)} AND SpanKind = 'Client'
      )
      WHERE sys != ''
      GROUP BY caller, sys, address
      ORDER BY calls DESC, caller, callee
      LIMIT ${p.add(limit + 1, 'UInt32')}`,
    query_params: p.values,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<StoreEdgeRow>();
  const kept = rows.slice(0, limit);
  const nodes = new Map<string, ServiceMapNode>();
  for (const r of kept) {
    const node = nodes.get(r.callee) ?? {
      service: r.callee,
      kind: Number(r.cache) === 1 ? 'cache' : 'database',
      requests: 0,
      errors: 0,
      errorRate: null,
    };
    const requests = node.requests + Number(r.calls);
    const errors = node.errors + Number(r.errors);
    nodes.set(r.callee, { ...node, requests, errors, errorRate: errors / requests });
  }
  return {
    nodes: [...nodes.values()].sort((a, b) => b.requests - a.requests),
    edges: kept.map((r) => edgeFromRow(r, Number(r.cache) === 1 ? 'cache' : 'database')),
    truncated: rows.length > limit,
  };
}

/** The caller's breakers on each edge with their states (open first), from the breakers' metrics. */
export function withBreakerStates(
  edges: readonly ServiceMapEdge[],
  breakers: readonly (Pick<Dependency, 'name' | 'breaker'> & { service: string })[],
): ServiceMapEdge[] {
  const states = new Map(breakers.map((b) => [`${b.service}\u001f${b.name}`, b.breaker?.state]));
  const rank = (s: BreakerStateName | null): number =>
    s === 'open' ? 0 : s === 'half-open' ? 1 : 2;
  return edges.map((e) => ({
    ...e,
    breakers: e.breakers
      .map((b) => {
        return { name: b.name, state: states.get(`${e.caller}\u001f${b.name}`) ?? null };
      })
      .sort((a, b) => rank(a.state) - rank(b.state) || a.name.localeCompare(b.name)),
  }));
}
