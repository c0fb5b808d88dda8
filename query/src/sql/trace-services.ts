import type { ClickHouseClient } from '@clickhouse/client';
import type { Operation } from '@sightline/model/api/traces';
import type { TimeRangeNs } from './trace-time-range.ts';
import { ident } from '@sightline/store/schema/ddl-context';

/** More than any dashboard list can show; a guard against label explosions, not a page size. */
export const MAX_SERVICES = 10_000;
export const MAX_OPERATIONS = 10_000;

const IN_RANGE = `Timestamp >= fromUnixTimestamp64Nano({from:Int64})
      AND Timestamp < fromUnixTimestamp64Nano({to:Int64})`;

/** Services that emitted spans in the range, sorted. ServiceName leads the sort key, so this is cheap. */
export async function servicesInRange(
  client: ClickHouseClient,
  database: string,
  range: TimeRangeNs,
): Promise<string[]> {
  const rs = await client.query({
    query: `SELECT DISTINCT ServiceName AS service FROM ${ident(database)}.otel_traces
      WHERE ${IN_RANGE}
      ORDER BY service
      LIMIT {limit:UInt32}`,
    query_params: { from: range.from, to: range.to, limit: MAX_SERVICES },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ service: string }>();
  return rows.map((r) => r.service);
}

/** Span names and kinds of one service in the range, with how many spans each had. */
export async function operationsInRange(
  client: ClickHouseClient,
  database: string,
  service: string,
  range: TimeRangeNs,
): Promise<Operation[]> {
  const rs = await client.query({
    query: `SELECT SpanName AS name, SpanKind AS kind, count() AS spanCount
      FROM ${ident(database)}.otel_traces
      WHERE ServiceName = {service:String}
        AND ${IN_RANGE}
      GROUP BY SpanName, SpanKind
      ORDER BY name, kind
      LIMIT {limit:UInt32}`,
    query_params: { service, from: range.from, to: range.to, limit: MAX_OPERATIONS },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ name: string; kind: string; spanCount: string }>();
  return rows.map((r) => ({ name: r.name, kind: r.kind, spanCount: Number(r.spanCount) }));
}
