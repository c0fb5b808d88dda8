import {
  qualified,
  TABLE_SETTINGS,
  tableEngine,
  ttlClause,
  type DdlContext,
} from './ddl-context.ts';

export const METRIC_TABLES = {
  gauge: 'otel_metrics_gauge',
  sum: 'otel_metrics_sum',
  histogram: 'otel_metrics_histogram',
  exponentialHistogram: 'otel_metrics_exp_histogram',
  summary: 'otel_metrics_summary',
} as const;

export type MetricKind = keyof typeof METRIC_TABLES;

// Same columns and types as the OpenTelemetry Collector's ClickHouse exporter (see traces.ts).
const COMMON = `ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ResourceSchemaUrl String CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion String CODEC(ZSTD(1)),
    ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeDroppedAttrCount UInt32 CODEC(ZSTD(1)),
    ScopeSchemaUrl String CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    MetricName String CODEC(ZSTD(1)),
    MetricDescription String CODEC(ZSTD(1)),
    MetricUnit String CODEC(ZSTD(1)),
    Attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    StartTimeUnix DateTime64(9) CODEC(Delta, ZSTD(1)),
    TimeUnix DateTime64(9) CODEC(Delta, ZSTD(1)),`;

const EXEMPLARS = `Exemplars Nested (
        FilteredAttributes Map(LowCardinality(String), String),
        TimeUnix DateTime64(9),
        Value Float64,
        SpanId String,
        TraceId String
    ) CODEC(ZSTD(1)),`;

const SPECIFIC: Record<MetricKind, string> = {
  gauge: `Value Float64 CODEC(ZSTD(1)),
    Flags UInt32 CODEC(ZSTD(1)),
    ${EXEMPLARS}`,
  sum: `Value Float64 CODEC(ZSTD(1)),
    Flags UInt32 CODEC(ZSTD(1)),
    ${EXEMPLARS}
    AggregationTemporality Int32 CODEC(ZSTD(1)),
    IsMonotonic Boolean CODEC(Delta, ZSTD(1)),`,
  histogram: `Count UInt64 CODEC(Delta, ZSTD(1)),
    Sum Float64 CODEC(ZSTD(1)),
    BucketCounts Array(UInt64) CODEC(ZSTD(1)),
    ExplicitBounds Array(Float64) CODEC(ZSTD(1)),
    ${EXEMPLARS}
    Flags UInt32 CODEC(ZSTD(1)),
    Min Float64 CODEC(ZSTD(1)),
    Max Float64 CODEC(ZSTD(1)),
    AggregationTemporality Int32 CODEC(ZSTD(1)),`,
  exponentialHistogram: `Count UInt64 CODEC(Delta, ZSTD(1)),
    Sum Float64 CODEC(ZSTD(1)),
    Scale Int32 CODEC(ZSTD(1)),
    ZeroCount UInt64 CODEC(ZSTD(1)),
    PositiveOffset Int32 CODEC(ZSTD(1)),
    PositiveBucketCounts Array(UInt64) CODEC(ZSTD(1)),
    NegativeOffset Int32 CODEC(ZSTD(1)),
    NegativeBucketCounts Array(UInt64) CODEC(ZSTD(1)),
    ${EXEMPLARS}
    Flags UInt32 CODEC(ZSTD(1)),
    Min Float64 CODEC(ZSTD(1)),
    Max Float64 CODEC(ZSTD(1)),
    AggregationTemporality Int32 CODEC(ZSTD(1)),`,
  summary: `Count UInt64 CODEC(Delta, ZSTD(1)),
    Sum Float64 CODEC(ZSTD(1)),
    ValueAtQuantiles Nested (
        Quantile Float64,
        Value Float64
    ) CODEC(ZSTD(1)),
    Flags UInt32 CODEC(ZSTD(1)),`,
};

export function metricTable(ctx: DdlContext, kind: MetricKind): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, METRIC_TABLES[kind])} (
    ${COMMON}
    ${SPECIFIC[kind]}
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_attr_key mapKeys(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_attr_value mapValues(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1
) ${tableEngine(ctx, 'MergeTree')}
PARTITION BY toDate(TimeUnix)
ORDER BY (ServiceName, MetricName, Attributes, toUnixTimestamp64Nano(TimeUnix))
${ttlClause('TimeUnix', ctx.retention.metricsDays)}
${TABLE_SETTINGS}`;
}

/**
 * A stored stream's identity (name, resource, scope, attributes) hashed once when the row is
 * written: PromQL's series key reads it instead of hashing two label maps on every row it reads.
 * Parts written before the column existed compute it when read until the mutation reaches them.
 */
export const SERIES_HASH = 'SeriesHash';
export const SERIES_HASH_SQL = 'cityHash64(MetricName, ResourceAttributes, ScopeName, Attributes)';

export const seriesHashColumn = (ctx: DdlContext, kind: MetricKind): string =>
  `ALTER TABLE ${qualified(ctx, METRIC_TABLES[kind])} ADD COLUMN IF NOT EXISTS ${SERIES_HASH} UInt64 MATERIALIZED ${SERIES_HASH_SQL} CODEC(ZSTD(1))`;

/** Writes the column into the parts stored before it existed (a background mutation). */
export const materializeSeriesHash = (ctx: DdlContext, kind: MetricKind): string =>
  `ALTER TABLE ${qualified(ctx, METRIC_TABLES[kind])} MATERIALIZE COLUMN ${SERIES_HASH}`;
