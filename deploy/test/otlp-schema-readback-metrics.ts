import { METRIC_TABLES } from '@sightline/store/schema/metrics';
import { common, type Where } from './otlp-schema-readback.ts';

// metricsSample sends one metric of each kind in METRIC_TABLES' order.

type Row = Record<string, unknown>;
type Kind = keyof typeof METRIC_TABLES;

const rowsOf = (s: Readonly<Record<string, Row[]>>, kind: Kind): Row[] =>
  s[METRIC_TABLES[kind]] ?? [];

/** One value per stored row of the kind (one row per data point). */
const col = (kind: Kind, column: string, map: (v: unknown) => unknown = (v) => v): Where => ({
  store: (s) => rowsOf(s, kind).map((r) => map(r[column])),
});
/** The values of a Nested column, every row's in order. */
const nested = (kind: Kind, column: string, map: (v: unknown) => unknown = (v) => v): Where => ({
  store: (s) => rowsOf(s, kind).flatMap((r) => (r[column] as unknown[]).map(map)),
});
/** The first metric of each kind: the metric-level fields. */
const perMetric = (column: string): Where => ({
  store: (s) => (Object.keys(METRIC_TABLES) as Kind[]).map((k) => rowsOf(s, k)[0]?.[column]),
});

const NO_COLUMN = 'the OTel Collector ClickHouse schema has no column for it';

// Exemplar values share one Float64 column; the sample sends a double first, then an int.
function exemplars(kind: Kind, p: string): Record<string, Where> {
  const values = (s: Readonly<Record<string, Row[]>>) =>
    rowsOf(s, kind).flatMap((r) => r['Exemplars.Value'] as number[]);
  return {
    [`${p}.exemplars.filteredAttributes`]: nested(kind, 'Exemplars.FilteredAttributes'),
    [`${p}.exemplars.timeUnixNano`]: nested(kind, 'et'),
    [`${p}.exemplars.asDouble`]: { store: (s) => values(s).filter((_, i) => i % 2 === 0) },
    [`${p}.exemplars.asInt`]: {
      store: (s) =>
        values(s)
          .filter((_, i) => i % 2 === 1)
          .map(String),
    },
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
  return {
    ...point(kind),
    // The sample's first point is a double, the second an int; both land in Value.
    [`${p}.asDouble`]: {
      store: (s) =>
        rowsOf(s, kind)
          .slice(0, 1)
          .map((r) => r.Value),
    },
    [`${p}.asInt`]: {
      store: (s) =>
        rowsOf(s, kind)
          .slice(1)
          .map((r) => String(r.Value)),
    },
    ...exemplars(kind, p),
  };
};

const H = 'S.metrics.histogram';
const E = 'S.metrics.exponentialHistogram';
const Q = 'S.metrics.summary';

/** A resource or scope field, sent once: every stored point must carry the same value. */
const perBlock = (column: string): Where => ({
  store: (s) => {
    const all = Object.values(METRIC_TABLES).flatMap((t) => (s[t] ?? []).map((r) => r[column]));
    return [...new Map(all.map((v) => [JSON.stringify(v), v])).values()];
  },
});

export const METRICS_READBACK: Record<string, Where> = common('Metrics', {
  'R.resource.attributes': perBlock('ResourceAttributes'),
  'R.schemaUrl': perBlock('ResourceSchemaUrl'),
  'S.scope.name': perBlock('ScopeName'),
  'S.scope.version': perBlock('ScopeVersion'),
  'S.scope.attributes': perBlock('ScopeAttributes'),
  'S.scope.droppedAttributesCount': perBlock('ScopeDroppedAttrCount'),
  'S.schemaUrl': perBlock('ScopeSchemaUrl'),
  'S.metrics.name': perMetric('MetricName'),
  'S.metrics.description': perMetric('MetricDescription'),
  'S.metrics.unit': perMetric('MetricUnit'),
  'S.metrics.metadata': { unstored: NO_COLUMN },
  ...numberKind('gauge'),
  ...numberKind('sum'),
  // Per metric, stored on each of its points.
  'S.metrics.sum.aggregationTemporality': {
    store: (s) =>
      rowsOf(s, 'sum')
        .slice(0, 1)
        .map((r) => r.AggregationTemporality),
  },
  'S.metrics.sum.isMonotonic': {
    store: (s) =>
      rowsOf(s, 'sum')
        .slice(0, 1)
        .map((r) => r.IsMonotonic),
  },
  ...point('histogram'),
  [`${H}.aggregationTemporality`]: col('histogram', 'AggregationTemporality'),
  [`${H}.dataPoints.count`]: col('histogram', 'Count'),
  [`${H}.dataPoints.sum`]: col('histogram', 'Sum'),
  [`${H}.dataPoints.bucketCounts`]: col('histogram', 'BucketCounts'),
  [`${H}.dataPoints.explicitBounds`]: col('histogram', 'ExplicitBounds'),
  [`${H}.dataPoints.min`]: col('histogram', 'Min'),
  [`${H}.dataPoints.max`]: col('histogram', 'Max'),
  ...exemplars('histogram', `${H}.dataPoints`),
  ...point('exponentialHistogram'),
  [`${E}.aggregationTemporality`]: col('exponentialHistogram', 'AggregationTemporality'),
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
