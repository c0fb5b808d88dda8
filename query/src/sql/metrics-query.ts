import type { ClickHouseClient } from '@clickhouse/client';
import type {
  MetricAggregation,
  MetricQuery,
  MetricQueryResult,
  MetricSeries,
  MetricType,
  SeriesPoint,
} from '@sightline/model/api/metrics';
import { SightlineError } from '@sightline/model/errors';
import { metricKind, METRIC_TYPE_TABLES, type MetricKind } from './metrics-catalog.ts';
import {
  counterLookbackMs,
  counterSql,
  valuesSql,
  type CounterColumns,
  type SeriesSqlInput,
} from './metrics-series-sql.ts';
import {
  bucketQuantile,
  exponentialBuckets,
  isPercentile,
  PERCENTILES,
  rangeQuantile,
  type Bucket,
} from './metrics-quantile.ts';
import type { StepGrid } from './metrics-grid.ts';

export const MAX_SERIES = 500;

type Family = 'values' | 'counter' | 'histogram';

/** What each kind of metric can be aggregated by, and how its rows are read. */
function familyOf(kind: MetricKind): { family: Family; allowed: readonly MetricAggregation[] } {
  switch (kind.type) {
    case 'gauge':
      return { family: 'values', allowed: ['sum', 'avg', 'min', 'max', 'count'] };
    case 'sum':
      return kind.monotonic
        ? { family: 'counter', allowed: ['rate', 'increase'] }
        : { family: 'values', allowed: ['sum', 'avg', 'min', 'max', 'count'] };
    case 'histogram':
      return {
        family: 'histogram',
        allowed: ['count', 'sum', 'avg', 'rate', 'p50', 'p90', 'p95', 'p99'],
      };
    case 'exponential_histogram':
      return {
        family: 'histogram',
        allowed: ['count', 'sum', 'avg', 'rate', 'p50', 'p90', 'p95', 'p99'],
      };
    case 'summary':
      // A summary's quantiles are per series and cannot be merged across series or steps.
      return { family: 'histogram', allowed: ['count', 'sum', 'avg', 'rate'] };
  }
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
  b: string;
  [column: string]: unknown;
}

const num = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};
const parseBound = (s: string): number =>
  s === 'inf' || s === '+inf' ? Infinity : s === '-inf' ? -Infinity : Number(s);

/** The value of one row (a group's step) for the aggregation. */
function rowValue(
  row: Row,
  family: Family,
  agg: MetricAggregation,
  stepSeconds: number,
): number | null {
  if (family === 'values') {
    if (agg === 'sum') return num(row.seriesSum);
    if (agg === 'min') return num(row.low);
    if (agg === 'max') return num(row.high);
    if (agg === 'count') return num(row.cnt);
    const n = num(row.cnt);
    return n ? (num(row.total) ?? 0) / n : null;
  }
  const c0 = num(row.c0);
  switch (agg) {
    case 'rate':
      return c0 === null ? null : c0 / stepSeconds;
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
  readonly maxSeries?: number;
}

/** One metrics query → one series per group, every step present. */
export async function runMetricQuery(
  client: ClickHouseClient,
  database: string,
  input: RunMetricQueryInput,
): Promise<MetricQueryResult> {
  const { query: q, grid, field } = input;
  const maxSeries = input.maxSeries ?? MAX_SERIES;
  const base = {
    ...(q.id !== undefined ? { id: q.id } : {}),
    metric: q.metric,
    aggregation: q.aggregation,
  };
  const range = { fromMs: grid.fromMs - counterLookbackMs(grid.stepMs), toMs: grid.toMs };
  const kind = await metricKind(client, database, q.metric, range);
  const frame = { from: grid.fromMs, to: grid.toMs, step: grid.stepMs };
  if (kind === null) {
    return { ...base, type: null, unit: '', ...frame, series: [], truncated: false };
  }
  const { family, allowed } = familyOf(kind);
  if (!allowed.includes(q.aggregation)) {
    throw new SightlineError(
      'SL_ERR_METRIC_AGGREGATION',
      400,
      `${field}.aggregation: '${q.aggregation}' does not apply to ${q.metric}, a ${describe(kind)}; use one of ${allowed.join(', ')}`,
    );
  }
  const groupBy = q.groupBy ?? [];
  const table = METRIC_TYPE_TABLES.find((t) => t.type === kind.type)?.table ?? '';
  const sqlInput: SeriesSqlInput = {
    database,
    table,
    metric: q.metric,
    service: q.service,
    filters: q.filters ?? [],
    filtersField: `${field}.filters`,
    groupBy,
    grid,
    maxRows: (maxSeries + 1) * grid.points,
  };
  const { sql, params } =
    family === 'values'
      ? valuesSql(sqlInput)
      : counterSql(sqlInput, columnsOf(kind.type, isPercentile(q.aggregation)));
  const rs = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  const rows = await rs.json<Row>();

  const series: MetricSeries[] = [];
  let truncated = false;
  let current: { key: string; points: SeriesPoint[] } | undefined;
  const stepSeconds = grid.stepMs / 1000;
  for (const row of rows) {
    const labelValues = groupBy.map((_, i) => {
      const v = row[`g${i}`];
      return typeof v === 'string' ? v : '';
    });
    const key = JSON.stringify(labelValues);
    if (current?.key !== key) {
      if (series.length === maxSeries) {
        truncated = true;
        break;
      }
      const labels: Record<string, string> = {};
      groupBy.forEach((k, i) => (labels[k] = labelValues[i] ?? ''));
      const points: SeriesPoint[] = Array.from({ length: grid.points }, (_, i) => [
        grid.fromMs + i * grid.stepMs,
        null,
      ]);
      current = { key, points };
      series.push({ labels, points });
    }
    const index = (Number(row.b) - grid.fromMs) / grid.stepMs;
    const point = current.points[index];
    if (point) point[1] = rowValue(row, family, q.aggregation, stepSeconds);
  }
  return { ...base, type: kind.type, unit: kind.unit, ...frame, series, truncated };
}
