import type { ClickHouseClient } from '@clickhouse/client';
import type { Span, TraceLog } from '@sightline/model/api/traces';
import { ident } from '@sightline/store/schema/ddl-context';
import { SPAN_COLUMNS, toSpan, type SpanRecord } from './trace-by-id.ts';
import { LOGS_IN_BOUNDS, SPANS_IN_BOUNDS, traceBoundsWith } from './trace-bounds.ts';
import { toTraceLog, type TraceLogRecord } from './trace-logs.ts';

/** Log-only columns, empty on span rows. */
const LOG_ONLY = `'' AS SeverityText, toUInt8(0) AS SeverityNumber, '' AS Body, map() AS LogAttributes`;

/**
 * A log row in the span rows' column order (UNION ALL matches columns by position). No alias
 * shadows a column the WHERE reads: ClickHouse resolves a name to the SELECT alias first.
 */
const LOG_AS_ROW = `TraceId, SpanId, '' AS ParentSpanId, '' AS TraceState, '' AS SpanName,
  '' AS SpanKind, ServiceName, toString(toUnixTimestamp64Nano(Timestamp)) AS start,
  toUInt64(0) AS Duration, '' AS StatusCode, '' AS StatusMessage, map() AS ResourceAttributes,
  '' AS ScopeName, '' AS ScopeVersion, map() AS SpanAttributes, [] AS eventTimes, [] AS eventNames,
  [] AS eventAttributes, [] AS linkTraceIds, [] AS linkSpanIds, [] AS linkTraceStates,
  [] AS linkAttributes, SeverityText, SeverityNumber, Body, LogAttributes`;

/**
 * The spans of one trace (at most `maxSpans`, by start then span id) and its logs (at most
 * `maxLogs`, by time, service, span id, body) in one round trip: the trace's time bounds are
 * looked up once and serve both reads, which ClickHouse runs side by side.
 */
export function traceViewSql(db: string): string {
  return `${traceBoundsWith(db)}
    SELECT * FROM (
      SELECT * FROM (
        SELECT 0 AS kind, toUnixTimestamp64Nano(Timestamp) AS at, ${SPAN_COLUMNS}, ${LOG_ONLY}
        FROM ${db}.otel_traces
        WHERE TraceId = {id:String} AND ${SPANS_IN_BOUNDS}
        ORDER BY Timestamp, SpanId
        LIMIT {maxSpans:UInt32})
      UNION ALL
      SELECT * FROM (
        SELECT 1 AS kind, toUnixTimestamp64Nano(Timestamp) AS at, ${LOG_AS_ROW}
        FROM ${db}.otel_logs
        WHERE TraceId = {id:String} AND ${LOGS_IN_BOUNDS}
        ORDER BY Timestamp, ServiceName, SpanId, Body
        LIMIT {maxLogs:UInt32}))
    ORDER BY kind, at, if(kind = 0, '', ServiceName), SpanId, Body`;
}

type ViewRow = SpanRecord & Omit<TraceLogRecord, 'time'> & { kind: number };

export async function traceView(
  client: ClickHouseClient,
  database: string,
  traceId: string,
  limits: { readonly maxSpans: number; readonly maxLogs: number },
): Promise<{ spans: Span[]; logs: TraceLog[] }> {
  const rs = await client.query({
    query: traceViewSql(ident(database)),
    query_params: { id: traceId.toLowerCase(), ...limits },
    format: 'JSONEachRow',
  });
  const spans: Span[] = [];
  const logs: TraceLog[] = [];
  for (const r of await rs.json<ViewRow>()) {
    if (r.kind === 0) spans.push(toSpan(r));
    else logs.push(toTraceLog({ ...r, time: r.start }));
  }
  return { spans, logs };
}
