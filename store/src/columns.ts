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
