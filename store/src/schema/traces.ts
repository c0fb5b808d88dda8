import {
  qualified,
  TABLE_SETTINGS,
  tableEngine,
  ttlClause,
  type DdlContext,
} from './ddl-context.ts';

export const TRACES_TABLE = 'otel_traces';
export const TRACE_ID_TS_TABLE = 'otel_traces_trace_id_ts';
export const TRACE_ID_TS_VIEW = 'otel_traces_trace_id_ts_mv';

// Column names and types are those of the OpenTelemetry Collector's ClickHouse exporter, so the
// stock exporter and Grafana's ClickHouse plugin read and write these tables too.
export function tracesTable(ctx: DdlContext): string {
  const indexes = ctx.textIndex
    ? `INDEX idx_trace_id TraceId TYPE text(tokenizer = 'array'),
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE text(tokenizer = 'array'),
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE text(tokenizer = 'array'),`
    : `INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,`;
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, TRACES_TABLE)} (
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    TraceState String CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion String CODEC(ZSTD(1)),
    SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    Duration UInt64 CODEC(T64, ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    StatusMessage String CODEC(ZSTD(1)),
    Events Nested (
        Timestamp DateTime64(9),
        Name LowCardinality(String),
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    Links Nested (
        TraceId String,
        SpanId String,
        TraceState String,
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    ${indexes}
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1,
    INDEX idx_lower_span_name lower(SpanName) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8
) ${tableEngine(ctx, 'MergeTree')}
PARTITION BY toDate(Timestamp)
PRIMARY KEY (ServiceName, SpanName, toDateTime(Timestamp))
ORDER BY (ServiceName, SpanName, toDateTime(Timestamp), Timestamp)
${ttlClause('Timestamp', ctx.retention.tracesDays)}
${TABLE_SETTINGS}`;
}

/** First and last timestamp of every trace, so a trace by id reads only the partitions it spans. */
export function traceIdTsTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, TRACE_ID_TS_TABLE)} (
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime) CODEC(ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime) CODEC(ZSTD(1))
) ${tableEngine(ctx, 'AggregatingMergeTree')}
PARTITION BY toStartOfWeek(Start)
ORDER BY (TraceId)
${ttlClause('Start', ctx.retention.tracesDays)}
${TABLE_SETTINGS}`;
}

export function traceIdTsView(ctx: DdlContext): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qualified(ctx, TRACE_ID_TS_VIEW)}
TO ${qualified(ctx, TRACE_ID_TS_TABLE)}
AS SELECT TraceId, min(toDateTime(Timestamp)) AS Start, max(toDateTime(Timestamp)) AS End
FROM ${qualified(ctx, TRACES_TABLE)}
WHERE TraceId != ''
GROUP BY TraceId`;
}

export const RED_PROJECTION = 'red_1m';
/** The percentiles the projection keeps; a query must name them exactly so to be served by it. */
export const RED_QUANTILES = 'quantilesTDigest(0.5, 0.95, 0.99)(Duration)';

/**
 * Requests, errors and duration percentiles per service, operation, kind and minute, kept inside
 * every part of otel_traces (a projection: it follows inserts, merges, TTL and deletes by itself,
 * and a query that cannot use it reads the spans). About 60 rows a minute where a busy store
 * holds thousands of spans; a day of RED for every service reads it in a fraction of the time.
 */
export function redProjection(ctx: DdlContext): string {
  return `ALTER TABLE ${qualified(ctx, TRACES_TABLE)} ADD PROJECTION IF NOT EXISTS ${RED_PROJECTION} (
    SELECT ServiceName, SpanName, SpanKind, toStartOfMinute(Timestamp) AS minute,
      count(), countIf(StatusCode = 'Error'), ${RED_QUANTILES}
    GROUP BY ServiceName, SpanName, SpanKind, minute)`;
}

/** Builds the projection for the parts stored before it existed (a background mutation). */
export function materializeRedProjection(ctx: DdlContext): string {
  return `ALTER TABLE ${qualified(ctx, TRACES_TABLE)} MATERIALIZE PROJECTION ${RED_PROJECTION}`;
}
