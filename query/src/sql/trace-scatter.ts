import type { ClickHouseClient } from '@clickhouse/client';
import type { TraceScatterResponse } from '@sightline/model/api/trace-scatter';
import { traceSearchSql, type SqlQuery } from './trace-search.ts';
import type { TraceSearch } from './trace-search-params.ts';

/** Matches counted beyond this are not looked at: the count then reads "at least". */
export const SCATTER_SCAN_CAP = 1_000_000;

/**
 * Every trace the search matches in its range, as scatter points: the trace search's own query
 * (one definition of what matches) with its page as large as the cap, then every k-th trace in
 * start order, k chosen so at most `points` remain. An even stride over time keeps the shape of
 * the cloud: busy minutes stay busy.
 */
export function traceScatterSql(database: string, search: TraceSearch, points: number): SqlQuery {
  const all = traceSearchSql(database, { ...search, limit: SCATTER_SCAN_CAP, after: undefined });
  const sql = `SELECT traceId, startNs, durationNs, spanCount, errorCount, rootService, rootName, total
  FROM (
    SELECT traceId, startNs, durationNs, spanCount, errorCount, rootService, rootName,
      row_number() OVER (ORDER BY startNs, traceId) AS n,
      count() OVER () AS total
    FROM (${all.sql})
  )
  WHERE (n - 1) % greatest(1, intDiv(total + {points:UInt32} - 1, {points:UInt32})) = 0
  ORDER BY startNs, traceId
  LIMIT {points:UInt32}`;
  return { sql, params: { ...all.params, points } };
}

interface ScatterRow {
  traceId: string;
  startNs: string;
  durationNs: string;
  spanCount: string;
  errorCount: string;
  rootService: string;
  rootName: string;
  total: string;
}

export async function traceScatter(
  client: ClickHouseClient,
  database: string,
  search: TraceSearch,
  points: number,
): Promise<TraceScatterResponse> {
  const q = traceScatterSql(database, search, points);
  const rs = await client.query({ query: q.sql, query_params: q.params, format: 'JSONEachRow' });
  const rows = await rs.json<ScatterRow>();
  // The search asks for one row over its limit; that row only says the cap was reached.
  const counted = Number(rows[0]?.total ?? 0);
  const total = Math.min(counted, SCATTER_SCAN_CAP);
  return {
    total,
    totalIsLowerBound: counted > SCATTER_SCAN_CAP,
    sampled: counted > rows.length,
    points: rows.map((r) => ({
      traceId: r.traceId,
      rootServiceName: r.rootService,
      rootName: r.rootName,
      startTimeUnixNano: r.startNs,
      durationNano: r.durationNs,
      spanCount: Number(r.spanCount),
      errorCount: Number(r.errorCount),
    })),
  };
}
