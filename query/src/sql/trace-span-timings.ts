import type { ClickHouseClient } from '@clickhouse/client';
import { ident } from '@sightline/store/schema/ddl-context';
import { SPANS_IN_BOUNDS, traceBoundsWith } from './trace-bounds.ts';

/** What the critical path needs of a span: its place in the tree, its times, and labels. */
export interface SpanTiming {
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly serviceName: string;
  readonly name: string;
  /** Nanoseconds since the epoch. */
  readonly start: bigint;
  readonly end: bigint;
}

interface TimingRecord {
  SpanId: string;
  ParentSpanId: string;
  ServiceName: string;
  SpanName: string;
  start: string;
  Duration: string;
}

/** The spans of one trace with only the columns the critical path reads (no attribute maps). */
export async function traceSpanTimings(
  client: ClickHouseClient,
  database: string,
  traceId: string,
  maxSpans: number,
): Promise<SpanTiming[]> {
  const db = ident(database);
  const rs = await client.query({
    query: `${traceBoundsWith(db)}
      SELECT SpanId, ParentSpanId, ServiceName, SpanName,
        toString(toUnixTimestamp64Nano(Timestamp)) AS start, Duration
      FROM ${db}.otel_traces
      WHERE TraceId = {id:String}
        AND ${SPANS_IN_BOUNDS}
      ORDER BY Timestamp, SpanId
      LIMIT {limit:UInt32}`,
    query_params: { id: traceId.toLowerCase(), limit: maxSpans },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<TimingRecord>();
  return rows.map((r) => {
    const start = BigInt(r.start);
    return {
      spanId: r.SpanId,
      parentSpanId: r.ParentSpanId,
      serviceName: r.ServiceName,
      name: r.SpanName,
      start,
      end: start + BigInt(r.Duration),
    };
  });
}
