import type { ClickHouseClient } from '@clickhouse/client';
import type { TraceLog } from '@sightline/model/api/traces';
import { ident } from '@sightline/store/schema/ddl-context';
import { LOGS_IN_BOUNDS, traceBoundsWith } from './trace-bounds.ts';

export interface TraceLogRecord {
  time: string;
  SeverityText: string;
  SeverityNumber: number;
  Body: string;
  ServiceName: string;
  SpanId: string;
  LogAttributes: Record<string, string>;
}

/**
 * The logs that carry one trace id, oldest first, at most `maxLogs`. The trace's span time range
 * (widened by an hour each way for clock skew and logs written after a span ended) narrows the
 * read to a few daily partitions; the trace-id index finds the rows inside them.
 */
export async function traceLogs(
  client: ClickHouseClient,
  database: string,
  traceId: string,
  maxLogs: number,
): Promise<TraceLog[]> {
  const db = ident(database);
  const rs = await client.query({
    query: `${traceBoundsWith(db)}
      SELECT ${TRACE_LOG_COLUMNS}
      FROM ${db}.otel_logs
      WHERE TraceId = {id:String} AND ${LOGS_IN_BOUNDS}
      ORDER BY Timestamp, ServiceName, SpanId, Body
      LIMIT {limit:UInt32}`,
    query_params: { id: traceId.toLowerCase(), limit: maxLogs },
    format: 'JSONEachRow',
  });
  return (await rs.json<TraceLogRecord>()).map(toTraceLog);
}

/** The columns of a TraceLogRecord. */
export const TRACE_LOG_COLUMNS = `toString(toUnixTimestamp64Nano(Timestamp)) AS time, SeverityText,
  SeverityNumber, Body, ServiceName, SpanId, LogAttributes`;

export function toTraceLog(r: TraceLogRecord): TraceLog {
  return {
    timeUnixNano: r.time,
    severityText: r.SeverityText,
    severityNumber: r.SeverityNumber,
    body: r.Body,
    serviceName: r.ServiceName,
    spanId: r.SpanId,
    attributes: r.LogAttributes,
  };
}
