import type { ClickHouseClient } from '@clickhouse/client';
import type {
  MetricAcross,
  MetricAggregation,
  MetricQuery,
  MetricQueryResult,
  MetricSeries,
  SeriesPoint,
} from '@sightline/model/api/metrics';
import { SightlineError } from '@sightline/model/errors';
import { parsePointValue, toPointValue } from '@sightline/model/prom-value';
import {
  metricKeys,
  metricKind,
  METRIC_TYPE_TABLES,
  missingKeys,
  sampleIntervalMs,
  type MetricKind,
} from './metrics-catalog.ts';
import { keyExpr, Params, unknownKeyError, unknownKeys } from './metrics-keys.ts';
import {
  evalTimeMs,
  isRangeFunction,
  LOOKBACK_MS,
  promSql,
  RANGE_FUNCTIONS,
  selectionWhere,
  SERIES_KEY,
  type PromSql,
  type SeriesSelection,
  type RangeFunction,
} from './metrics-prom-sql.ts';
import { EXP_SAMPLE_COLUMNS, expQuantileSql, expWindowSql } from './exp-histogram-sql.ts';
import { ident } from '@sightline/store/schema/ddl-context';
import { cumulativeQuantile, isPercentile, PERCENTILES, type Bucket } from './metrics-quantile.ts';
import type { StepGrid } from './metrics-grid.ts';

export const MAX_SERIES = 500;
/** A range spans at most this many steps: each sample is read once per window holding it. */
export const MAX_RANGE_STEPS = 1440;

/**
 * How a query is answered: 'instant' combines each series' newest value (gauges and up-down
 * counters); 'range' applies a Prometheus range function to each series; 'observations' to the
 * Count or Sum of histograms and summaries (as to their `_count`, `_sum` series); 'buckets' takes
 * histogram_quantile over classic `_bucket` series (le label) or an OTLP histogram's buckets;
 * 'exponential' merges exponential histograms' buckets.
 */
type Family = 'instant' | 'range' | 'observations' | 'buckets' | 'exponential';

const INSTANT: readonly MetricAggregation[] = ['sum', 'avg', 'min', 'max', 'count'];
const OVER_TIME = RANGE_FUNCTIONS.filter((f) => f.endsWith('_over_time'));
const PERCENTILE_NAMES = Object.keys(PERCENTILES) as MetricAggregation[];
/** Of histograms and summaries, applied to their observation count (as to a `_count` series). */
const COUNT_OVER_TIME: readonly MetricAggregation[] = ['last_over_time', 'max_over_time'];

/** What each kind of metric can be aggregated by. */
function allowedFor(kind: MetricKind, metric: string): readonly MetricAggregation[] {
  switch (kind.type) {
    case 'gauge':
      return [...INSTANT, 'delta', ...OVER_TIME];
    case 'sum':
      if (!kind.monotonic) return [...INSTANT, 'delta', ...OVER_TIME];
      // A classic histogram's buckets arrive from Prometheus as one counter per `le`.
      // Any range function applies to a counter, as in PromQL (`last_over_time(x_total[1h])`).
      return metric.endsWith('_bucket')
        ? ['rate', 'increase', 'irate', ...OVER_TIME, ...PERCENTILE_NAMES]
        : ['rate', 'increase', 'irate', ...OVER_TIME];
    case 'histogram':
    case 'exponential_histogram':
      return ['count', 'sum', 'avg', 'rate', ...COUNT_OVER_TIME, ...PERCENTILE_NAMES];
    case 'summary':
      // A summary's quantiles are per series and cannot be merged across series or steps.
      return ['count', 'sum', 'avg', 'rate', ...COUNT_OVER_TIME];
  }
}

function familyOf(kind: MetricKind, agg: MetricAggregation): Family {
  if (isPercentile(agg)) return kind.type === 'exponential_histogram' ? 'exponential' : 'buckets';
  if (kind.type !== 'gauge' && kind.type !== 'sum') return 'observations';
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

interface Row {
  i: number | string;
  [column: string]: unknown;
}

// NaN and infinities are values (ClickHouse sends them as "nan", "inf", "-inf" with
// output_format_json_quote_denormals, else as null, which would read as "no value").
const num = parsePointValue;
const parseBound = (s: string): number => {
  const l = s.toLowerCase();
  return l === 'inf' || l === '+inf' ? Infinity : l === '-inf' ? -Infinity : Number(s);
};

/** What buildSql needs of a query beside the query itself. */
interface SeriesSqlInput extends SeriesSelection {
  readonly grid: StepGrid;
  readonly rangeMs: number;
  /** Row cap: (series limit + 1) × points, so that one series too many shows. */
  readonly maxRows: number;
}

/**
 * histogram_quantile(φ, sum by (…) (rate(x[range]))) over exponential histograms, as Prometheus
 * answers it over the same histograms exposed as native histograms (see exp-histogram-sql.ts).
 */
function exponentialSql(input: SeriesSqlInput, q: number): PromSql {
  const p = new Params();
  const { grid, rangeMs } = input;
  const groups = input.groupBy.map((k, i) => `${keyExpr(k, p)} AS g${i}`);
  const gcols = input.groupBy.map((_, i) => `g${i}`).join(', ');
  const where = selectionWhere(
    input,
    evalTimeMs(grid, 0) - rangeMs,
    evalTimeMs(grid, grid.points - 1),
    p,
  );
  const samples = `SELECT ${groups.map((g) => `${g}, `).join('')}${SERIES_KEY} AS sk, ${EXP_SAMPLE_COLUMNS}
    FROM ${ident(input.database)}.${input.table} WHERE ${where}`;
  const windows = expWindowSql({ samples, groups: gcols, grid, fn: 'rate', rangeMs, p });
  const sql = `SELECT ${gcols === '' ? '' : `${gcols}, `}i, val AS value
    FROM (${expQuantileSql(windows, p.add(q, 'Float64'))})
    ORDER BY ${gcols === '' ? '' : `${gcols}, `}i LIMIT ${p.add(input.maxRows, 'UInt32')}`;
  return { sql, params: p.values };
}

export interface RunMetricQueryInput {
  readonly query: MetricQuery;
  readonly grid: StepGrid;
  /** Names the query in error messages, e.g. `queries[0]`. */
  readonly field: string;
  /**
   * The window of range functions. When not given: max(step + interval, 4 × interval), the
   * interval being the metric's typical time between points (Grafana's $__rate_interval), so
   * that every window holds enough points for a rate; the step if the metric has no interval.
   */
  readonly rangeMs?: number | undefined;
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
  const base = {
    ...(q.id !== undefined ? { id: q.id } : {}),
    metric: q.metric,
    aggregation: q.aggregation,
  };
  // Where to look for the metric's kind and keys: as far back as any window reaches.
  const reach = Math.max(input.rangeMs ?? 0, LOOKBACK_MS);
  const range = { fromMs: evalTimeMs(grid, 0) - reach, toMs: grid.toMs };
  const kind = await metricKind(client, database, q.metric, range);
  const family = kind === null ? 'instant' : familyOf(kind, q.aggregation);
  let rangeMs = input.rangeMs ?? grid.stepMs;
  if (input.rangeMs === undefined && kind !== null && family !== 'instant') {
    const table = METRIC_TYPE_TABLES.find((t) => t.type === kind.type)?.table ?? '';
    const iv = await sampleIntervalMs(client, database, table, q.metric, range);
    if (iv !== null) {
      const wanted = Math.round(Math.max(grid.stepMs + iv, 4 * iv));
      rangeMs = Math.min(wanted, MAX_RANGE_STEPS * grid.stepMs);
    }
  }
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
  const queries = buildSql(q, kind, family, {
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
  const answers = [];
  for (const { sql, params } of queries) {
    const rs = await client.query({
      query: sql,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_denormals: 1 },
    });
    answers.push(toSeries(await rs.json<Row>(), q, family, grid, maxSeries));
  }
  const [first, second] = answers;
  const truncated = answers.some((a) => a.truncated);
  const series = second ? divide(first!.series, second.series) : (first?.series ?? []);
  const described = { unit: kind.unit, description: kind.description };
  return { ...base, type: kind.type, ...described, ...frame, series, truncated };
}

/** The SQL of a query; two for an average of observations (their sum, then their count). */
function buildSql(
  q: MetricQuery,
  kind: MetricKind,
  family: Family,
  input: SeriesSqlInput,
): PromSql[] {
  const { rangeMs, grid, maxRows } = input;
  const temporality = kind.type !== 'gauge' && kind.type !== 'summary';
  const source = { ...input, temporality };
  const agg = q.aggregation;
  switch (family) {
    case 'exponential':
      return [exponentialSql(input, isPercentile(agg) ? PERCENTILES[agg] : 0.5)];
    case 'observations': {
      // As Prometheus over the _count and _sum series an exporter makes of them.
      const over = (column: 'Count' | 'Sum') =>
        promSql({
          source: { ...source, column },
          grid,
          rangeMs,
          fn:
            agg === 'last_over_time' || agg === 'max_over_time'
              ? agg
              : agg === 'rate'
                ? 'rate'
                : 'increase',
          across: 'sum',
          maxRows,
        });
      if (agg === 'avg') return [over('Sum'), over('Count')];
      return [over(agg === 'sum' ? 'Sum' : 'Count')];
    }
    case 'buckets': {
      // histogram_quantile(φ, sum by (…, le) (rate(x_bucket[range]))); the quantile is read below.
      const classic = kind.type === 'sum';
      const buckets = classic ? { groupBy: [...input.groupBy, 'le'] } : { buckets: true };
      const fn = 'rate';
      return [
        promSql({
          source: { ...source, ...buckets },
          grid,
          rangeMs,
          fn,
          across: 'sum',
          maxRows: maxRows * 64,
        }),
      ];
    }
    case 'range':
    case 'instant':
      return [
        promSql({
          source,
          grid,
          rangeMs,
          fn: family === 'instant' ? 'instant' : (agg as RangeFunction),
          ...(q.quantile !== undefined ? { quantile: q.quantile } : {}),
          // A gauge's aggregation is how its series combine; a function's, `across`.
          across: family === 'instant' ? defaultAcross(agg) : (q.across ?? defaultAcross(agg)),
          maxRows,
        }),
      ];
  }
}

/** Series of an average: the sum's points divided by the count's, series by series. */
function divide(sums: MetricSeries[], counts: MetricSeries[]): MetricSeries[] {
  const key = (s: MetricSeries) => JSON.stringify(s.labels);
  const byKey = new Map(counts.map((c) => [key(c), c]));
  return sums.map((s) => {
    const c = byKey.get(key(s));
    const points = s.points.map(([t, sv], i): SeriesPoint => {
      const v = parsePointValue(sv);
      const n = parsePointValue(c?.points[i]?.[1]);
      return [t, v === null || n === null || n === 0 ? null : toPointValue(v / n)];
    });
    return { labels: s.labels, points };
  });
}

/** Rows (g…, i, …) in group order → one series per group, every step present. */
function toSeries(
  rows: readonly Row[],
  q: MetricQuery,
  family: Family,
  grid: StepGrid,
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
      if (point) point[1] = toPointValue(cumulativeQuantile(PERCENTILES[q.aggregation], buckets));
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
    point[1] = toPointValue(num(row.value));
  }
  flush();
  return { series, truncated };
}
