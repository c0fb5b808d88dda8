import type { ClickHouseClient } from '@clickhouse/client';
import type {
  MetricAcross,
  MetricAggregation,
  MetricQuery,
  MetricQueryResult,
  MetricSeries,
  MetricType,
  SeriesPoint,
} from '@sightline/model/api/metrics';
import { SightlineError } from '@sightline/model/errors';
import {
  metricKeys,
  metricKind,
  METRIC_TYPE_TABLES,
  missingKeys,
  type MetricKind,
} from './metrics-catalog.ts';
import { unknownKeyError, unknownKeys } from './metrics-keys.ts';
import {
  evalTimeMs,
  isRangeFunction,
  LOOKBACK_MS,
  promSql,
  RANGE_FUNCTIONS,
  type PromSql,
  type RangeFunction,
} from './metrics-prom-sql.ts';
import {
  counterLookbackMs,
  counterSql,
  type CounterColumns,
  type SeriesSqlInput,
} from './metrics-series-sql.ts';
import {
  bucketQuantile,
  cumulativeQuantile,
  exponentialBuckets,
  isPercentile,
  PERCENTILES,
  rangeQuantile,
  type Bucket,
} from './metrics-quantile.ts';
import type { StepGrid } from './metrics-grid.ts';

export const MAX_SERIES = 500;

/**
 * How a query is answered: 'instant' combines each series' newest value (gauges and up-down
 * counters), 'range' applies a Prometheus range function to each series, 'buckets' takes
 * histogram_quantile over classic `_bucket` series (le label), 'histogram' reads OTLP histograms.
 */
type Family = 'instant' | 'range' | 'buckets' | 'histogram';

const INSTANT: readonly MetricAggregation[] = ['sum', 'avg', 'min', 'max', 'count'];
const OVER_TIME = RANGE_FUNCTIONS.filter((f) => f.endsWith('_over_time'));
const PERCENTILE_NAMES = Object.keys(PERCENTILES) as MetricAggregation[];

/** What each kind of metric can be aggregated by. */
function allowedFor(kind: MetricKind, metric: string): readonly MetricAggregation[] {
  switch (kind.type) {
    case 'gauge':
      return [...INSTANT, 'delta', ...OVER_TIME];
    case 'sum':
      if (!kind.monotonic) return [...INSTANT, 'delta', ...OVER_TIME];
      // A classic histogram's buckets arrive from Prometheus as one counter per `le`.
      return metric.endsWith('_bucket')
        ? ['rate', 'increase', 'irate', ...PERCENTILE_NAMES]
        : ['rate', 'increase', 'irate'];
    case 'histogram':
    case 'exponential_histogram':
      return ['count', 'sum', 'avg', 'rate', ...PERCENTILE_NAMES];
    case 'summary':
      // A summary's quantiles are per series and cannot be merged across series or steps.
      return ['count', 'sum', 'avg', 'rate'];
  }
}

function familyOf(kind: MetricKind, agg: MetricAggregation): Family {
  if (kind.type !== 'gauge' && kind.type !== 'sum') return 'histogram';
  if (isPercentile(agg)) return 'buckets';
  return isRangeFunction(agg) ? 'range' : 'instant';
}

/** The default way a group's series combine: as the function suggests, else summed. */
function defaultAcross(agg: MetricAggregation): MetricAcross {
  if (agg === 'avg_over_time' || agg === 'avg') return 'avg';
  if (agg === 'min_over_time' || agg === 'min') return 'min';
  if (agg === 'max_over_time' || agg === 'max') return 'max';
  if (agg === 'count') return 'count';
  return 'sum';
}

const describe = (kind: MetricKind): string =>
  kind.type === 'sum'
    ? kind.monotonic
      ? 'monotonic sum (counter)'
      : 'non-monotonic sum'
    : kind.type;

function columnsOf(type: MetricType, buckets: boolean): CounterColumns {
  switch (type) {
    case 'sum':
      return { primary: 'Value', temporality: 'AggregationTemporality' };
    case 'summary':
      return { primary: 'Count', secondary: 'Sum', temporality: '2' };
    case 'exponential_histogram':
      return {
        primary: 'Count',
        secondary: 'Sum',
        exponential: buckets,
        temporality: 'AggregationTemporality',
      };
    default:
      return { primary: 'Count', secondary: 'Sum', buckets, temporality: 'AggregationTemporality' };
  }
}

interface Row {
  i: number | string;
  [column: string]: unknown;
}

const num = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};
const parseBound = (s: string): number => {
  const l = s.toLowerCase();
  return l === 'inf' || l === '+inf' ? Infinity : l === '-inf' ? -Infinity : Number(s);
};

/** The value of one row of an OTLP histogram or summary (a group's step) for the aggregation. */
function histogramValue(row: Row, agg: MetricAggregation, rangeSeconds: number): number | null {
  const c0 = num(row.c0);
  switch (agg) {
    case 'rate':
      return c0 === null ? null : c0 / rangeSeconds;
    case 'increase':
    case 'count':
      return c0;
    case 'sum':
      return num(row.c1);
    case 'avg':
      return c0 ? (num(row.c1) ?? 0) / c0 : null;
    default: {
      if (!isPercentile(agg)) return null;
      if (row.pmap !== undefined) {
        const toMap = (m: unknown) => {
          const [keys, counts] = (m as [string[], string[]] | undefined) ?? [[], []];
          return new Map(keys.map((k, i) => [Number(k), Number(counts[i] ?? 0)]));
        };
        const buckets = exponentialBuckets(
          Number(row.scale),
          toMap(row.pmap),
          toMap(row.nmap),
          Number(row.zero ?? 0),
        );
        return rangeQuantile(PERCENTILES[agg], buckets);
      }
      const [keys, counts] = (row.bmap as [string[], (string | number)[]] | undefined) ?? [[], []];
      const buckets: Bucket[] = ((row.bounds as string[] | undefined) ?? []).map((s) => ({
        upperBound: parseBound(s),
        count: 0,
      }));
      keys.forEach((k, i) =>
        buckets.push({ upperBound: parseBound(k), count: Number(counts[i] ?? 0) }),
      );
      return bucketQuantile(PERCENTILES[agg], buckets);
    }
  }
}

export interface RunMetricQueryInput {
  readonly query: MetricQuery;
  readonly grid: StepGrid;
  /** Names the query in error messages, e.g. `queries[0]`. */
  readonly field: string;
  /** The window of range functions; the step when not given. */
  readonly rangeMs?: number;
  readonly maxSeries?: number;
}

/** One metrics query → one series per group, every step present, each labelled at its end. */
export async function runMetricQuery(
  client: ClickHouseClient,
  database: string,
  input: RunMetricQueryInput,
): Promise<MetricQueryResult> {
  const { query: q, grid, field } = input;
  const maxSeries = input.maxSeries ?? MAX_SERIES;
  const rangeMs = input.rangeMs ?? grid.stepMs;
  const base = {
    ...(q.id !== undefined ? { id: q.id } : {}),
    metric: q.metric,
    aggregation: q.aggregation,
  };
  const readFrom =
    evalTimeMs(grid, 0) - Math.max(rangeMs, LOOKBACK_MS, counterLookbackMs(grid.stepMs));
  const range = { fromMs: readFrom, toMs: grid.toMs };
  const kind = await metricKind(client, database, q.metric, range);
  const frame = { from: grid.fromMs, to: grid.toMs, step: grid.stepMs, range: rangeMs };
  if (kind === null) {
    const none = { type: null, unit: '', description: '', series: [], truncated: false };
    return { ...base, ...none, ...frame };
  }
  const allowed = allowedFor(kind, q.metric);
  if (!allowed.includes(q.aggregation)) {
    throw new SightlineError(
      'SL_ERR_METRIC_AGGREGATION',
      400,
      `${field}.aggregation: '${q.aggregation}' does not apply to ${q.metric}, a ${describe(kind)}; use one of ${allowed.join(', ')}`,
    );
  }
  const groupBy = q.groupBy ?? [];
  const table = METRIC_TYPE_TABLES.find((t) => t.type === kind.type)?.table ?? '';
  const used = unknownKeys([...(q.filters ?? []).map((f) => f.key), ...groupBy], new Set());
  const missing = await missingKeys(client, database, table, q.metric, range, used);
  if (missing.length > 0) {
    const known = await metricKeys(client, database, table, q.metric, range);
    throw unknownKeyError(field, q.metric, missing, known);
  }
  const family = familyOf(kind, q.aggregation);
  const { sql, params } = buildSql(q, family, {
    database,
    table,
    metric: q.metric,
    service: q.service,
    filters: q.filters ?? [],
    filtersField: `${field}.filters`,
    groupBy,
    grid,
    rangeMs,
    maxRows: (maxSeries + 1) * grid.points,
  });
  const rs = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  const rows = await rs.json<Row>();
  const { series, truncated } = toSeries(rows, q, family, grid, rangeMs, maxSeries);
  const described = { unit: kind.unit, description: kind.description };
  return { ...base, type: kind.type, ...described, ...frame, series, truncated };
}

function buildSql(q: MetricQuery, family: Family, input: SeriesSqlInput): PromSql {
  const { rangeMs, grid, maxRows } = input;
  const source = { ...input, temporality: input.table.endsWith('_sum') };
  const agg = q.aggregation;
  switch (family) {
    case 'histogram':
      return counterSql(input, columnsOf(kind(input), isPercentile(agg)));
    case 'buckets':
      // histogram_quantile(φ, sum by (…, le) (rate(x_bucket[range]))); the quantile is read below.
      return promSql({
        source: { ...source, groupBy: [...input.groupBy, 'le'] },
        grid,
        rangeMs,
        fn: 'rate',
        across: 'sum',
        maxRows: maxRows * 64,
      });
    case 'range':
    case 'instant':
      return promSql({
        source,
        grid,
        rangeMs,
        fn: family === 'instant' ? 'instant' : (agg as RangeFunction),
        ...(q.quantile !== undefined ? { quantile: q.quantile } : {}),
        across: q.across ?? defaultAcross(agg),
        maxRows,
      });
  }
}

const kind = (input: SeriesSqlInput): MetricType =>
  METRIC_TYPE_TABLES.find((t) => t.table === input.table)?.type ?? 'histogram';

/** Rows (g…, i, …) in group order → one series per group, every step present. */
function toSeries(
  rows: readonly Row[],
  q: MetricQuery,
  family: Family,
  grid: StepGrid,
  rangeMs: number,
  maxSeries: number,
): { series: MetricSeries[]; truncated: boolean } {
  const groupBy = q.groupBy ?? [];
  const series: MetricSeries[] = [];
  let truncated = false;
  let current: { key: string; points: SeriesPoint[]; buckets: Map<number, Bucket[]> } | undefined;
  const flush = () => {
    if (!current || family !== 'buckets' || !isPercentile(q.aggregation)) return;
    for (const [i, buckets] of current.buckets) {
      const point = current.points[i];
      if (point) point[1] = cumulativeQuantile(PERCENTILES[q.aggregation], buckets);
    }
  };
  for (const row of rows) {
    const labelValues = groupBy.map((_, i) => {
      const v = row[`g${i}`];
      return typeof v === 'string' ? v : '';
    });
    const key = JSON.stringify(labelValues);
    if (current?.key !== key) {
      flush();
      if (series.length === maxSeries) {
        truncated = true;
        current = undefined;
        break;
      }
      const labels: Record<string, string> = {};
      groupBy.forEach((k, i) => (labels[k] = labelValues[i] ?? ''));
      const points: SeriesPoint[] = Array.from({ length: grid.points }, (_, i) => [
        evalTimeMs(grid, i),
        null,
      ]);
      current = { key, points, buckets: new Map() };
      series.push({ labels, points });
    }
    const index = Number(row.i);
    if (family === 'buckets') {
      const le = row[`g${groupBy.length}`];
      const list = current.buckets.get(index) ?? [];
      list.push({ upperBound: parseBound(String(le)), count: num(row.value) ?? 0 });
      current.buckets.set(index, list);
      continue;
    }
    const point = current.points[index];
    if (!point) continue;
    point[1] =
      family === 'histogram' ? histogramValue(row, q.aggregation, rangeMs / 1000) : num(row.value);
  }
  flush();
  return { series, truncated };
}
