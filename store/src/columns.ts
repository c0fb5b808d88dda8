import type {
  ExpHistogramRow,
  GaugeRow,
  HistogramRow,
  LogRow,
  RowBatch,
  RowKind,
  SpanRow,
  SummaryRow,
  SumRow,
} from '@sightline/model/rows';
import { LOGS_TABLE } from './schema/logs.ts';
import { METRIC_TABLES } from './schema/metrics.ts';
import { TRACES_TABLE } from './schema/traces.ts';

/** Compile-time check that a column list names every field of the row type exactly once. */
function columnsOf<T>() {
  return <const C extends readonly (keyof T & string)[]>(
    ...cols: C & ([Exclude<keyof T, C[number]>] extends [never] ? unknown : never)
  ): readonly (keyof T & string)[] => cols;
}

const METRIC_BASE = [
  'ResourceAttributes',
  'ResourceSchemaUrl',
  'ScopeName',
  'ScopeVersion',
  'ScopeAttributes',
  'ScopeDroppedAttrCount',
  'ScopeSchemaUrl',
  'ServiceName',
  'MetricName',
  'MetricDescription',
  'MetricUnit',
  'Attributes',
  'StartTimeUnix',
  'TimeUnix',
] as const;

const EXEMPLARS = [
  'Exemplars.FilteredAttributes',
  'Exemplars.TimeUnix',
  'Exemplars.Value',
  'Exemplars.SpanId',
  'Exemplars.TraceId',
] as const;

type Columns = { readonly [K in RowKind]: readonly (keyof RowBatch[K][number] & string)[] };

/** Insert column order per row kind; store tests check it against the live tables. */
export const COLUMNS: Columns = {
  spans: columnsOf<SpanRow>()(
    'Timestamp',
    'TraceId',
    'SpanId',
    'ParentSpanId',
    'TraceState',
    'SpanName',
    'SpanKind',
    'ServiceName',
    'ResourceAttributes',
    'ScopeName',
    'ScopeVersion',
    'SpanAttributes',
    'Duration',
    'StatusCode',
    'StatusMessage',
    'Events.Timestamp',
    'Events.Name',
    'Events.Attributes',
    'Links.TraceId',
    'Links.SpanId',
    'Links.TraceState',
    'Links.Attributes',
  ),
  logs: columnsOf<LogRow>()(
    'Timestamp',
    'TraceId',
    'SpanId',
    'TraceFlags',
    'SeverityText',
    'SeverityNumber',
    'ServiceName',
    'Body',
    'ResourceSchemaUrl',
    'ResourceAttributes',
    'ScopeSchemaUrl',
    'ScopeName',
    'ScopeVersion',
    'ScopeAttributes',
    'LogAttributes',
    'EventName',
  ),
  gauge: columnsOf<GaugeRow>()(...METRIC_BASE, 'Value', 'Flags', ...EXEMPLARS),
  sum: columnsOf<SumRow>()(
    ...METRIC_BASE,
    'Value',
    'Flags',
    ...EXEMPLARS,
    'AggregationTemporality',
    'IsMonotonic',
  ),
  histogram: columnsOf<HistogramRow>()(
    ...METRIC_BASE,
    'Count',
    'Sum',
    'BucketCounts',
    'ExplicitBounds',
    ...EXEMPLARS,
    'Flags',
    'Min',
    'Max',
    'AggregationTemporality',
  ),
  exponentialHistogram: columnsOf<ExpHistogramRow>()(
    ...METRIC_BASE,
    'Count',
    'Sum',
    'Scale',
    'ZeroCount',
    'PositiveOffset',
    'PositiveBucketCounts',
    'NegativeOffset',
    'NegativeBucketCounts',
    ...EXEMPLARS,
    'Flags',
    'Min',
    'Max',
    'AggregationTemporality',
  ),
  summary: columnsOf<SummaryRow>()(
    ...METRIC_BASE,
    'Count',
    'Sum',
    'ValueAtQuantiles.Quantile',
    'ValueAtQuantiles.Value',
    'Flags',
  ),
};

export const TABLES: { readonly [K in RowKind]: string } = {
  spans: TRACES_TABLE,
  logs: LOGS_TABLE,
  gauge: METRIC_TABLES.gauge,
  sum: METRIC_TABLES.sum,
  histogram: METRIC_TABLES.histogram,
  exponentialHistogram: METRIC_TABLES.exponentialHistogram,
  summary: METRIC_TABLES.summary,
};

const ATTRS = 'Map(LowCardinality(String), String)';
const LC = 'LowCardinality(String)';
const NS = 'DateTime64(9)';
const METRIC_BASE_TYPES = {
  ResourceAttributes: ATTRS,
  ResourceSchemaUrl: 'String',
  ScopeName: 'String',
  ScopeVersion: 'String',
  ScopeAttributes: ATTRS,
  ScopeDroppedAttrCount: 'UInt32',
  ScopeSchemaUrl: 'String',
  ServiceName: LC,
  MetricName: 'String',
  MetricDescription: 'String',
  MetricUnit: 'String',
  Attributes: ATTRS,
  StartTimeUnix: NS,
  TimeUnix: NS,
  Flags: 'UInt32',
};
const EXEMPLAR_TYPES = {
  'Exemplars.FilteredAttributes': `Array(${ATTRS})`,
  'Exemplars.TimeUnix': `Array(${NS})`,
  'Exemplars.Value': 'Array(Float64)',
  'Exemplars.SpanId': 'Array(String)',
  'Exemplars.TraceId': 'Array(String)',
};
const DISTRIBUTION_TYPES = {
  Count: 'UInt64',
  Sum: 'Float64',
  Min: 'Float64',
  Max: 'Float64',
  AggregationTemporality: 'Int32',
};

/**
 * Each inserted column's ClickHouse type, as the binary insert format declares it; store tests
 * check these against the live tables.
 */
export const COLUMN_TYPES: { readonly [K in RowKind]: Readonly<Record<string, string>> } = {
  spans: {
    Timestamp: NS,
    TraceId: 'String',
    SpanId: 'String',
    ParentSpanId: 'String',
    TraceState: 'String',
    SpanName: LC,
    SpanKind: LC,
    ServiceName: LC,
    ResourceAttributes: ATTRS,
    ScopeName: 'String',
    ScopeVersion: 'String',
    SpanAttributes: ATTRS,
    Duration: 'UInt64',
    StatusCode: LC,
    StatusMessage: 'String',
    'Events.Timestamp': `Array(${NS})`,
    'Events.Name': `Array(${LC})`,
    'Events.Attributes': `Array(${ATTRS})`,
    'Links.TraceId': 'Array(String)',
    'Links.SpanId': 'Array(String)',
    'Links.TraceState': 'Array(String)',
    'Links.Attributes': `Array(${ATTRS})`,
  },
  logs: {
    Timestamp: NS,
    TraceId: 'String',
    SpanId: 'String',
    TraceFlags: 'UInt8',
    SeverityText: LC,
    SeverityNumber: 'UInt8',
    ServiceName: LC,
    Body: 'String',
    ResourceSchemaUrl: LC,
    ResourceAttributes: ATTRS,
    ScopeSchemaUrl: LC,
    ScopeName: 'String',
    ScopeVersion: LC,
    ScopeAttributes: ATTRS,
    LogAttributes: ATTRS,
    EventName: 'String',
  },
  gauge: { ...METRIC_BASE_TYPES, ...EXEMPLAR_TYPES, Value: 'Float64' },
  sum: {
    ...METRIC_BASE_TYPES,
    ...EXEMPLAR_TYPES,
    Value: 'Float64',
    AggregationTemporality: 'Int32',
    IsMonotonic: 'Bool',
  },
  histogram: {
    ...METRIC_BASE_TYPES,
    ...EXEMPLAR_TYPES,
    ...DISTRIBUTION_TYPES,
    BucketCounts: 'Array(UInt64)',
    ExplicitBounds: 'Array(Float64)',
  },
  exponentialHistogram: {
    ...METRIC_BASE_TYPES,
    ...EXEMPLAR_TYPES,
    ...DISTRIBUTION_TYPES,
    Scale: 'Int32',
    ZeroCount: 'UInt64',
    PositiveOffset: 'Int32',
    PositiveBucketCounts: 'Array(UInt64)',
    NegativeOffset: 'Int32',
    NegativeBucketCounts: 'Array(UInt64)',
  },
  summary: {
    ...METRIC_BASE_TYPES,
    Count: 'UInt64',
    Sum: 'Float64',
    'ValueAtQuantiles.Quantile': 'Array(Float64)',
    'ValueAtQuantiles.Value': 'Array(Float64)',
  },
};
