import type { ClickHouseClient } from '@clickhouse/client';
import type { Span } from '@sightline/model/api/traces';
import { ident } from '@sightline/store/schema/ddl-context';
import { SPANS_IN_BOUNDS, traceBoundsWith } from './trace-bounds.ts';

export interface SpanRecord {
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  start: string;
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  eventTimes: string[];
  'Events.Name': string[];
  'Events.Attributes': Record<string, string>[];
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Record<string, string>[];
}

/**
 * Every span of one trace. The trace-id → time-range table narrows the read to the partitions the
 * trace lives in, so the lookup stays fast however much data the store holds.
 */
export async function traceById(
  client: ClickHouseClient,
  database: string,
  traceId: string,
  maxSpans: number,
): Promise<Span[]> {
  const db = ident(database);
  const rs = await client.query({
    query: `${traceBoundsWith(db)}
      SELECT ${SPAN_COLUMNS}
      FROM ${db}.otel_traces
      WHERE TraceId = {id:String} AND ${SPANS_IN_BOUNDS}
      ORDER BY Timestamp, SpanId
      LIMIT {limit:UInt32}`,
    query_params: { id: traceId.toLowerCase(), limit: maxSpans },
    format: 'JSONEachRow',
  });
  return (await rs.json<SpanRecord>()).map(toSpan);
}

/** The columns of a SpanRecord. */
export const SPAN_COLUMNS = `TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName,
  toString(toUnixTimestamp64Nano(Timestamp)) AS start, Duration, StatusCode, StatusMessage,
  ResourceAttributes, ScopeName, ScopeVersion, SpanAttributes,
  arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS eventTimes,
  Events.Name, Events.Attributes, Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes`;

export function toSpan(r: SpanRecord): Span {
  return {
    traceId: r.TraceId,
    spanId: r.SpanId,
    parentSpanId: r.ParentSpanId,
    traceState: r.TraceState,
    name: r.SpanName,
    kind: r.SpanKind,
    serviceName: r.ServiceName,
    startTimeUnixNano: r.start,
    durationNano: String(r.Duration),
    statusCode: r.StatusCode,
    statusMessage: r.StatusMessage,
    resourceAttributes: r.ResourceAttributes,
    scopeName: r.ScopeName,
    scopeVersion: r.ScopeVersion,
    attributes: r.SpanAttributes,
    events: r.eventTimes.map((t, i) => ({
      timeUnixNano: t,
      name: r['Events.Name'][i] ?? '',
      attributes: r['Events.Attributes'][i] ?? {},
    })),
    links: r['Links.TraceId'].map((id, i) => ({
      traceId: id,
      spanId: r['Links.SpanId'][i] ?? '',
      traceState: r['Links.TraceState'][i] ?? '',
      attributes: r['Links.Attributes'][i] ?? {},
    })),
  };
}
