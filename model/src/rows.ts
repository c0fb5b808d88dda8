/**
 * Rows as stored, keyed by ClickHouse column name (the OpenTelemetry Collector exporter schema).
 * Timestamps are nanoseconds since the epoch as decimal strings: they exceed 2^53.
 * Nested columns (Events, Links, Exemplars…) are written as parallel arrays, one per sub-column.
 */
export type Attributes = Record<string, string>;
export type UnixNanos = string;

export interface SpanRow {
  Timestamp: UnixNanos;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Attributes;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Attributes;
  /** Nanoseconds, as a decimal string (UInt64). */
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  'Events.Timestamp': UnixNanos[];
  'Events.Name': string[];
  'Events.Attributes': Attributes[];
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Attributes[];
}

export interface LogRow {
  Timestamp: UnixNanos;
  TraceId: string;
  SpanId: string;
  TraceFlags: number;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceSchemaUrl: string;
  ResourceAttributes: Attributes;
  ScopeSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Attributes;
  LogAttributes: Attributes;
  EventName: string;
}

export interface MetricRowBase {
  ResourceAttributes: Attributes;
  ResourceSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Attributes;
  ScopeDroppedAttrCount: number;
  ScopeSchemaUrl: string;
  ServiceName: string;
  MetricName: string;
  MetricDescription: string;
  MetricUnit: string;
  Attributes: Attributes;
  StartTimeUnix: UnixNanos;
  TimeUnix: UnixNanos;
}

export interface ExemplarColumns {
  'Exemplars.FilteredAttributes': Attributes[];
  'Exemplars.TimeUnix': UnixNanos[];
  'Exemplars.Value': number[];
  'Exemplars.SpanId': string[];
  'Exemplars.TraceId': string[];
}

export interface GaugeRow extends MetricRowBase, ExemplarColumns {
  Value: number;
  Flags: number;
}

export interface SumRow extends GaugeRow {
  AggregationTemporality: number;
  IsMonotonic: boolean;
}

export interface HistogramRow extends MetricRowBase, ExemplarColumns {
  /** UInt64 counts as decimal strings. */
  Count: string;
  Sum: number;
  BucketCounts: string[];
  ExplicitBounds: number[];
  Flags: number;
  Min: number;
  Max: number;
  AggregationTemporality: number;
}

export interface ExpHistogramRow extends MetricRowBase, ExemplarColumns {
  Count: string;
  Sum: number;
  Scale: number;
  ZeroCount: string;
  PositiveOffset: number;
  PositiveBucketCounts: string[];
  NegativeOffset: number;
  NegativeBucketCounts: string[];
  Flags: number;
  Min: number;
  Max: number;
  AggregationTemporality: number;
}

export interface SummaryRow extends MetricRowBase {
  Count: string;
  Sum: number;
  'ValueAtQuantiles.Quantile': number[];
  'ValueAtQuantiles.Value': number[];
  Flags: number;
}

/** Everything one OTLP request turns into, per destination table. */
export interface RowBatch {
  spans: SpanRow[];
  logs: LogRow[];
  gauge: GaugeRow[];
  sum: SumRow[];
  histogram: HistogramRow[];
  exponentialHistogram: ExpHistogramRow[];
  summary: SummaryRow[];
}

export type RowKind = keyof RowBatch;

export const ROW_KINDS: readonly RowKind[] = [
  'spans',
  'logs',
  'gauge',
  'sum',
  'histogram',
  'exponentialHistogram',
  'summary',
];

export function emptyBatch(): RowBatch {
  return {
    spans: [],
    logs: [],
    gauge: [],
    sum: [],
    histogram: [],
    exponentialHistogram: [],
    summary: [],
  };
}

export function batchSize(b: RowBatch): number {
  let n = 0;
  for (const k of ROW_KINDS) n += b[k].length;
  return n;
}
