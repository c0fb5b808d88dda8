import type { ClickHouseClient } from '@clickhouse/client';
import { expect } from 'vitest';
import type {
  ExpHistogramRow,
  GaugeRow,
  HistogramRow,
  LogRow,
  MetricRowBase,
  RowBatch,
  RowKind,
  SpanRow,
  SummaryRow,
  SumRow,
} from '@sightline/model/rows';
import { TABLES } from './columns.ts';

// Every column type the schema uses, at its edges: empty and non-ASCII strings, strings whose
// length takes a multi-byte prefix, empty and large maps and arrays, 64-bit integers beyond 2^53,
// the first and last DateTime64(9) instants, NaN, infinities, -0 and denormals.
const WORDS = [
  '',
  'a',
  'héllo wörld',
  '日本語テキスト',
  'emoji 🎉🚀',
  'tab\tnew\nline\\"q\'',
  'x'.repeat(200),
  'ü'.repeat(70_000),
];
// As the mappers write them: exactly 19 digits (see collector/src/otlp/values.ts `nanos`).
const TIMES = [
  '0',
  '1',
  '999999999',
  '1700000000123456789',
  '4102444800000000000',
  '9223372036854775807',
].map((t) => t.padStart(19, '0'));
const U64 = ['0', '1', '4294967296', '9007199254740993', '123456789012345', '18446744073709551615'];
export const FLOATS = [0, -0, NaN, Infinity, -Infinity, 5e-324, -1.7976931348623157e308, 0.1, 42];
const MAPS: Record<string, string>[] = [
  {},
  { 'service.name': 'checkout', ключ: 'значение', '': '' },
  Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`k${i}`, `v${i}-ü`])),
];
export const at = <T>(xs: readonly T[], i: number): T => xs[i % xs.length]!;
export const N = 12;

function metricBase(i: number): MetricRowBase {
  return {
    ResourceAttributes: at(MAPS, i),
    ResourceSchemaUrl: at(WORDS, i + 1),
    ScopeName: at(WORDS, i + 2),
    ScopeVersion: at(WORDS, i + 3),
    ScopeAttributes: at(MAPS, i + 1),
    ScopeDroppedAttrCount: i % 2 ? 4294967295 : 0,
    ScopeSchemaUrl: at(WORDS, i + 4),
    ServiceName: `svc-${at(WORDS, i)}`,
    MetricName: `m${i}`,
    MetricDescription: at(WORDS, i + 5),
    MetricUnit: at(WORDS, i + 6),
    Attributes: at(MAPS, i + 2),
    StartTimeUnix: at(TIMES, i),
    TimeUnix: at(TIMES, i + 1),
  };
}
const exemplars = (i: number) => {
  const n = i % 3;
  return {
    'Exemplars.FilteredAttributes': Array.from({ length: n }, (_, j) => at(MAPS, i + j)),
    'Exemplars.TimeUnix': Array.from({ length: n }, (_, j) => at(TIMES, i + j)),
    'Exemplars.Value': Array.from({ length: n }, (_, j) => at(FLOATS, i + j)),
    'Exemplars.SpanId': Array.from({ length: n }, (_, j) => (j ? '' : 'b7ad6b7169203331')),
    'Exemplars.TraceId': Array.from({ length: n }, () => '0af7651916cd43dd8448eb211c80319c'),
  };
};
export const span = (i: number): SpanRow => ({
  Timestamp: at(TIMES, i),
  TraceId: i % 4 ? `${i}`.padStart(32, '0') : '',
  SpanId: `${i}`.padStart(16, 'a'),
  ParentSpanId: i % 2 ? '' : 'b7ad6b7169203331',
  TraceState: at(WORDS, i + 3),
  SpanName: at(WORDS, i),
  SpanKind: at(['Server', 'Client', 'Internal', ''], i),
  ServiceName: at(WORDS, i + 1),
  ResourceAttributes: at(MAPS, i),
  ScopeName: at(WORDS, i + 2),
  ScopeVersion: at(WORDS, i + 4),
  SpanAttributes: at(MAPS, i + 1),
  Duration: at(U64, i),
  StatusCode: at(['Unset', 'Ok', 'Error'], i),
  StatusMessage: at(WORDS, i + 5),
  'Events.Timestamp': Array.from({ length: i % 3 }, (_, j) => at(TIMES, i + j)),
  'Events.Name': Array.from({ length: i % 3 }, (_, j) => at(WORDS, i + j)),
  'Events.Attributes': Array.from({ length: i % 3 }, (_, j) => at(MAPS, i + j)),
  'Links.TraceId': Array.from({ length: i % 2 }, () => '0af7651916cd43dd8448eb211c80319c'),
  'Links.SpanId': Array.from({ length: i % 2 }, () => 'b7ad6b7169203331'),
  'Links.TraceState': Array.from({ length: i % 2 }, (_, j) => at(WORDS, i + j)),
  'Links.Attributes': Array.from({ length: i % 2 }, (_, j) => at(MAPS, i + j)),
});
export const log = (i: number): LogRow => ({
  Timestamp: at(TIMES, i),
  TraceId: i % 2 ? '' : '0af7651916cd43dd8448eb211c80319c',
  SpanId: i % 2 ? '' : 'b7ad6b7169203331',
  TraceFlags: at([0, 1, 255], i),
  SeverityText: at(WORDS, i),
  SeverityNumber: at([0, 9, 24, 255], i),
  ServiceName: at(WORDS, i + 1),
  Body: at(WORDS, i + 2),
  ResourceSchemaUrl: at(WORDS, i + 3),
  ResourceAttributes: at(MAPS, i),
  ScopeSchemaUrl: at(WORDS, i + 4),
  ScopeName: at(WORDS, i + 5),
  ScopeVersion: at(WORDS, i + 6),
  ScopeAttributes: at(MAPS, i + 1),
  LogAttributes: at(MAPS, i + 2),
  EventName: at(WORDS, i + 7),
});
const gauge = (i: number): GaugeRow => ({
  ...metricBase(i),
  ...exemplars(i),
  Value: at(FLOATS, i),
  Flags: i % 2,
});
const sum = (i: number): SumRow => ({
  ...gauge(i),
  AggregationTemporality: at([0, 1, 2, -2147483648, 2147483647], i),
  IsMonotonic: i % 2 === 0,
});
const histogram = (i: number): HistogramRow => ({
  ...metricBase(i),
  ...exemplars(i),
  Count: at(U64, i),
  Sum: at(FLOATS, i),
  BucketCounts: U64.slice(0, i % U64.length),
  ExplicitBounds: FLOATS.slice(0, i % FLOATS.length),
  Flags: 0,
  Min: at(FLOATS, i + 1),
  Max: at(FLOATS, i + 2),
  AggregationTemporality: at([1, 2], i),
});
const expHistogram = (i: number): ExpHistogramRow => ({
  ...metricBase(i),
  ...exemplars(i),
  Count: at(U64, i),
  Sum: at(FLOATS, i),
  Scale: at([-10, 0, 20], i),
  ZeroCount: at(U64, i + 1),
  PositiveOffset: at([-2147483648, 0, 5], i),
  PositiveBucketCounts: U64.slice(0, i % 4),
  NegativeOffset: at([3, -1], i),
  NegativeBucketCounts: U64.slice(i % 3),
  Flags: 1,
  Min: at(FLOATS, i),
  Max: at(FLOATS, i + 3),
  AggregationTemporality: 2,
});
const summary = (i: number): SummaryRow => ({
  ...metricBase(i),
  Count: at(U64, i),
  Sum: at(FLOATS, i),
  'ValueAtQuantiles.Quantile': FLOATS.slice(0, i % 4),
  'ValueAtQuantiles.Value': FLOATS.slice(1, 1 + (i % 4)),
  Flags: 0,
});

export const make: { [K in RowKind]: (i: number) => RowBatch[K][number] } = {
  spans: span,
  logs: log,
  gauge,
  sum,
  histogram,
  exponentialHistogram: expHistogram,
  summary,
};

export async function readBack(
  reader: ClickHouseClient,
  database: string,
  kind: RowKind,
): Promise<Record<string, unknown>[]> {
  // 64-bit integers and NaN/±Inf as strings, so nothing is rounded or turned into null.
  const rs = await reader.query({
    query: `SELECT * FROM ${database}.${TABLES[kind]} ORDER BY toString(tuple(*))`,
    format: 'JSONEachRow',
    clickhouse_settings: {
      output_format_json_quote_64bit_integers: 1,
      output_format_json_quote_denormals: 1,
    },
  });
  return rs.json<Record<string, unknown>>();
}

/** The `kind` rows in each binary database equal, column by column, those the JSON insert stored. */
export async function expectStoredAsJson(
  reader: ClickHouseClient,
  kind: RowKind,
  binary: readonly string[] = ['bin', 'native'],
): Promise<void> {
  const json = await readBack(reader, 'json', kind);
  expect(json).toHaveLength(N);
  for (const db of binary) {
    const got = await readBack(reader, db, kind);
    expect(got).toHaveLength(N);
    for (let i = 0; i < N; i++)
      for (const column of Object.keys(json[i]!))
        expect(got[i]![column], `${db}: ${kind} row ${i} ${column}`).toEqual(json[i]![column]);
  }
}
