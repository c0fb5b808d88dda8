import { METRIC_TABLES } from '@sightline/store/schema/metrics';
import {
  common,
  firstPerBlock,
  type Readback,
  type Row,
  type Where,
} from './otlp-schema-readback.ts';

// Stored rows are matched to the request's data points (by metric name, attributes and time) and
// carry `$i`, the index of their point in Readback.at, so each row is read against what was sent.

type Kind = keyof typeof METRIC_TABLES;
type Store = Readback['store'];

const rowsOf = (s: Store, kind: Kind): Row[] => s[METRIC_TABLES[kind]] ?? [];
const sentOf = (back: Readback, r: Row): Row => back.at[r.$i as number]!.sent;
/** Every stored row, all kinds together, in the request's order. */
const allRows = (s: Store): Row[] =>
  Object.values(s)
    .flat()
    .sort((a, b) => (a.$i as number) - (b.$i as number));
/** A metric-level field, stored on each point: the first point of each metric answers. */
const perMetric = (rows: (s: Store) => Row[], column: string): Where => ({
  store: (s, back) => {
    const r = rows(s);
    return firstPerBlock(
      r.map((x) => x[column]),
      r.map((x) => back.at[x.$i as number]!.metric),
    );
  },
});

/** One value per stored row of the kind (one row per data point). */
const col = (kind: Kind, column: string, map: (v: unknown) => unknown = (v) => v): Where => ({
  store: (s) => rowsOf(s, kind).map((r) => map(r[column])),
});
/** The values of a Nested column, every row's in order. */
const nested = (kind: Kind, column: string, map: (v: unknown) => unknown = (v) => v): Where => ({
  store: (s) => rowsOf(s, kind).flatMap((r) => (r[column] as unknown[]).map(map)),
});
/** Stored values of the points (or exemplars) that were sent with `member` of a oneof set. */
const whereSent = (
  kind: Kind,
  member: string,
  pick: (r: Row, sent: Row) => { sent: Row; value: unknown }[],
  map: (v: unknown) => unknown,
): Where => ({
  store: (s, back) =>
    rowsOf(s, kind)
      .flatMap((r) => pick(r, sentOf(back, r)))
      .filter((x) => x.sent[member] !== undefined && x.sent[member] !== null)
      .map((x) => map(x.value)),
});

const NO_COLUMN = 'the OTel Collector ClickHouse schema has no column for it';

// An int64 lands in the Float64 Value column: it comes back as the nearest double.
const asIntText = (v: unknown): unknown => String(v);

// Exemplar values share one Float64 column, each read against the member its exemplar was sent with.
function exemplars(kind: Kind, p: string): Record<string, Where> {
  const each = (r: Row, sent: Row) =>
    ((sent.exemplars ?? []) as Row[]).map((e, i) => ({
      sent: e,
      value: (r['Exemplars.Value'] as number[])[i],
    }));
  return {
    [`${p}.exemplars.filteredAttributes`]: nested(kind, 'Exemplars.FilteredAttributes'),
    [`${p}.exemplars.timeUnixNano`]: nested(kind, 'et'),
    [`${p}.exemplars.asDouble`]: whereSent(kind, 'asDouble', each, (v) => v),
    [`${p}.exemplars.asInt`]: whereSent(kind, 'asInt', each, asIntText),
    [`${p}.exemplars.spanId`]: nested(kind, 'Exemplars.SpanId'),
    [`${p}.exemplars.traceId`]: nested(kind, 'Exemplars.TraceId'),
  };
}

function point(kind: Kind): Record<string, Where> {
  const p = `S.metrics.${kind}.dataPoints`;
  return {
    [`${p}.attributes`]: col(kind, 'Attributes'),
    [`${p}.startTimeUnixNano`]: col(kind, 'st'),
    [`${p}.timeUnixNano`]: col(kind, 't'),
    [`${p}.flags`]: col(kind, 'Flags'),
  };
}

const numberKind = (kind: 'gauge' | 'sum'): Record<string, Where> => {
  const p = `S.metrics.${kind}.dataPoints`;
  const value = (r: Row, sent: Row) => [{ sent, value: r.Value }];
  return {
    ...point(kind),
    [`${p}.asDouble`]: whereSent(kind, 'asDouble', value, (v) => v),
    [`${p}.asInt`]: whereSent(kind, 'asInt', value, asIntText),
    ...exemplars(kind, p),
  };
};

/** A field of the metric's kind (temporality, monotonicity), stored on each of its points. */
const perKindMetric = (kind: Kind, column: string): Where =>
  perMetric((s) => rowsOf(s, kind), column);

/** A resource or scope field: every point's value, in the request's order. */
const inOrder = (column: string): Where => ({ store: (s) => allRows(s).map((r) => r[column]) });

const H = 'S.metrics.histogram';
const E = 'S.metrics.exponentialHistogram';
const Q = 'S.metrics.summary';

export const METRICS_READBACK: Record<string, Where> = common('Metrics', {
  'R.resource.attributes': inOrder('ResourceAttributes'),
  'R.schemaUrl': inOrder('ResourceSchemaUrl'),
  'S.scope.name': inOrder('ScopeName'),
  'S.scope.version': inOrder('ScopeVersion'),
  'S.scope.attributes': inOrder('ScopeAttributes'),
  'S.scope.droppedAttributesCount': inOrder('ScopeDroppedAttrCount'),
  'S.schemaUrl': inOrder('ScopeSchemaUrl'),
  'S.metrics.name': perMetric(allRows, 'MetricName'),
  'S.metrics.description': perMetric(allRows, 'MetricDescription'),
  'S.metrics.unit': perMetric(allRows, 'MetricUnit'),
  'S.metrics.metadata': { unstored: NO_COLUMN },
  ...numberKind('gauge'),
  ...numberKind('sum'),
  'S.metrics.sum.aggregationTemporality': perKindMetric('sum', 'AggregationTemporality'),
  'S.metrics.sum.isMonotonic': perKindMetric('sum', 'IsMonotonic'),
  ...point('histogram'),
  [`${H}.aggregationTemporality`]: perKindMetric('histogram', 'AggregationTemporality'),
  [`${H}.dataPoints.count`]: col('histogram', 'Count'),
  [`${H}.dataPoints.sum`]: col('histogram', 'Sum'),
  [`${H}.dataPoints.bucketCounts`]: col('histogram', 'BucketCounts'),
  [`${H}.dataPoints.explicitBounds`]: col('histogram', 'ExplicitBounds'),
  [`${H}.dataPoints.min`]: col('histogram', 'Min'),
  [`${H}.dataPoints.max`]: col('histogram', 'Max'),
  ...exemplars('histogram', `${H}.dataPoints`),
  ...point('exponentialHistogram'),
  [`${E}.aggregationTemporality`]: perKindMetric('exponentialHistogram', 'AggregationTemporality'),
  [`${E}.dataPoints.count`]: col('exponentialHistogram', 'Count'),
  [`${E}.dataPoints.sum`]: col('exponentialHistogram', 'Sum'),
  [`${E}.dataPoints.scale`]: col('exponentialHistogram', 'Scale'),
  [`${E}.dataPoints.zeroCount`]: col('exponentialHistogram', 'ZeroCount'),
  [`${E}.dataPoints.positive.offset`]: col('exponentialHistogram', 'PositiveOffset'),
  [`${E}.dataPoints.positive.bucketCounts`]: col('exponentialHistogram', 'PositiveBucketCounts'),
  [`${E}.dataPoints.negative.offset`]: col('exponentialHistogram', 'NegativeOffset'),
  [`${E}.dataPoints.negative.bucketCounts`]: col('exponentialHistogram', 'NegativeBucketCounts'),
  [`${E}.dataPoints.min`]: col('exponentialHistogram', 'Min'),
  [`${E}.dataPoints.max`]: col('exponentialHistogram', 'Max'),
  [`${E}.dataPoints.zeroThreshold`]: { unstored: NO_COLUMN },
  ...exemplars('exponentialHistogram', `${E}.dataPoints`),
  ...point('summary'),
  [`${Q}.dataPoints.count`]: col('summary', 'Count'),
  [`${Q}.dataPoints.sum`]: col('summary', 'Sum'),
  [`${Q}.dataPoints.quantileValues.quantile`]: nested('summary', 'ValueAtQuantiles.Quantile'),
  [`${Q}.dataPoints.quantileValues.value`]: nested('summary', 'ValueAtQuantiles.Value'),
});
