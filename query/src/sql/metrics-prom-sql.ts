import type { MetricAcross, MetricFilter } from '@sightline/model/api/metrics';
import { ident } from '@sightline/store/schema/ddl-context';
import { filtersSql, keyExpr, msParam, Params } from './metrics-keys.ts';
import type { StepGrid } from './metrics-grid.ts';
import { edgeInstantSql, edgeRangeSql, isEdgeFunction } from './metrics-prom-edges.ts';
import { rangeValue } from './metrics-prom-values.ts';

/**
 * Prometheus' meaning of a query over samples, once, as ClickHouse SQL: the metrics API, the
 * PromQL API and the alert evaluator all build their queries here. Semantics are those of
 * Prometheus 2.x (the version Debian ships, which the comparison test runs):
 * - a query is evaluated at the end of each step, T = from + step, from + 2·step, … to;
 * - a range function sees the samples in [T − range, T] (both ends included);
 * - an instant read (a gauge's value) is the newest sample in [T − 5 min, T], none if that sample
 *   is a staleness marker;
 * - staleness markers (Flags bit 1, OTel's NO_RECORDED_VALUE) never count as values.
 * Each sample is copied to every evaluation whose window holds it (arrayJoin), then aggregated per
 * series and evaluation, so the work stays in ClickHouse whatever the ratio of range to step.
 */

export const LOOKBACK_MS = 300_000;

export type RangeFunction =
  | 'rate'
  | 'increase'
  | 'irate'
  | 'delta'
  | 'avg_over_time'
  | 'min_over_time'
  | 'max_over_time'
  | 'sum_over_time'
  | 'count_over_time'
  | 'last_over_time'
  | 'stddev_over_time'
  | 'stdvar_over_time'
  | 'quantile_over_time';

export const RANGE_FUNCTIONS: readonly RangeFunction[] = [
  'rate',
  'increase',
  'irate',
  'delta',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'last_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
];
export const isRangeFunction = (a: string): a is RangeFunction =>
  (RANGE_FUNCTIONS as readonly string[]).includes(a);

/** The range functions PromQL has beyond those the metrics API offers, implemented here too. */
export type PromRangeFunction =
  RangeFunction | 'idelta' | 'deriv' | 'resets' | 'changes' | 'present_over_time';

export const PROM_RANGE_FUNCTIONS: readonly PromRangeFunction[] = [
  ...RANGE_FUNCTIONS,
  'idelta',
  'deriv',
  'resets',
  'changes',
  'present_over_time',
];

/** The series of one metric in one table, narrowed by filters and labelled for grouping. */
export interface SeriesSelection {
  readonly database: string;
  readonly table: string;
  readonly metric: string;
  readonly service?: string | undefined;
  readonly filters: readonly MetricFilter[];
  /** Names the filters in error messages, e.g. `queries[0].filters`. */
  readonly filtersField: string;
  /** Output columns g0, g1, … */
  readonly groupBy: readonly string[];
}

/** The WHERE of a selection's points from `fromMs` to `toMs`, both included. */
export function selectionWhere(sel: SeriesSelection, fromMs: number, toMs: number, p: Params) {
  return [
    `MetricName = ${p.add(sel.metric, 'String')}`,
    `TimeUnix >= ${msParam(fromMs, p)}`,
    `TimeUnix <= ${msParam(toMs, p)}`,
    filtersSql(sel.filters, sel.service, p, sel.filtersField),
  ].join(' AND ');
}

/** A selection read as samples of one column. */
export interface SeriesSource extends SeriesSelection {
  /** Sums and histograms: OTLP delta points (temporality 1) are increases already. */
  readonly temporality: boolean;
  /** The sampled column: Value (the default), or a histogram's or summary's Count or Sum. */
  readonly column?: 'Value' | 'Count' | 'Sum';
  /**
   * Explicit-bucket histograms: each bucket a series of its cumulative count (observations ≤ its
   * bound), labelled by the bound as the group column after groupBy's, as the `_bucket` series
   * the OpenTelemetry Prometheus exporter makes of it (`le`, the last one `+Inf`).
   */
  readonly buckets?: boolean;
}

export interface PromSql {
  readonly sql: string;
  readonly params: Record<string, string | number | readonly string[]>;
}

// One series: the OTLP identity of a stream, minus its start time (a new one is a reset).
export const SERIES_KEY = 'cityHash64(ResourceAttributes, ScopeName, Attributes)';

/** The time a step's value is labelled with, and evaluated at: its end. */
export const evalTimeMs = (grid: StepGrid, i: number): number =>
  grid.fromMs + (i + 1) * grid.stepMs;

/**
 * The evaluation indexes i whose window holds a sample at `t` (ms): [T − before, T] closed, or
 * (T − before, T] when `openLeft` (a SQL boolean) holds, with T = first + i·step.
 */
export function fanOut(t: string, beforeMs: number, grid: StepGrid, p: Params, openLeft = '0') {
  const first = p.add(evalTimeMs(grid, 0), 'Int64');
  const step = p.add(grid.stepMs, 'Int64');
  const before = p.add(beforeMs, 'Int64');
  const lo = `greatest(0, ceil((${t} - ${first}) / ${step}))`;
  const reach = `(${t} + ${before} - ${first}) / ${step}`;
  const hi = `least(${grid.points - 1}, if(${openLeft}, ceil(${reach}) - 1, floor(${reach})))`;
  return `arrayJoin(range(toUInt32(${lo}), toUInt32(greatest(${lo}, ${hi} + 1))))`;
}

/** The evaluation time of index column `i`, ms. */
const evalAt = (grid: StepGrid, p: Params) =>
  `(${p.add(evalTimeMs(grid, 0), 'Int64')} + i * ${p.add(grid.stepMs, 'Int64')})`;

/**
 * Samples of the source read from `fromMs` to the last evaluation: g…, sk, d, t, v, stale, and the
 * start time st when `start` (reading it costs a column).
 */
function samples(
  src: SeriesSource,
  grid: StepGrid,
  fromMs: number,
  p: Params,
  start = false,
): string {
  let groups = src.groupBy.map((k, i) => `${keyExpr(k, p)} AS g${i}, `).join('');
  let key = SERIES_KEY;
  let value = `toFloat64(${src.column ?? 'Value'})`;
  let from = `${ident(src.database)}.${src.table}`;
  if (src.buckets) {
    groups += `bk.1 AS g${src.groupBy.length}, `;
    key = 'cityHash64(ResourceAttributes, ScopeName, Attributes, bk.1)';
    value = 'toFloat64(bk.2)';
    from += ` ARRAY JOIN arrayZip(
        arrayPushBack(arrayMap(x -> toString(x), ExplicitBounds), '+Inf'),
        arrayCumSum(arrayResize(BucketCounts, length(ExplicitBounds) + 1))) AS bk`;
  }
  const where = selectionWhere(src, fromMs, evalTimeMs(grid, grid.points - 1), p);
  return `SELECT ${groups}${key} AS sk,
      ${src.temporality ? 'AggregationTemporality = 1' : '0'} AS d,
      toUnixTimestamp64Milli(TimeUnix) AS t,${start ? ' toUnixTimestamp64Milli(StartTimeUnix) AS st,' : ''}
      ${value} AS v, bitAnd(Flags, 1) = 1 AS stale
    FROM ${from} WHERE ${where}`;
}

/** The group columns of a source: g0… for groupBy, and a bucket's bound after them. */
const groupCount = (src: SeriesSource) => src.groupBy.length + (src.buckets ? 1 : 0);
const gcols = (src: SeriesSource) =>
  Array.from({ length: groupCount(src) }, (_, i) => `g${i}, `).join('');

export interface RangeFunctionInput {
  readonly source: SeriesSource;
  readonly grid: StepGrid;
  readonly fn: PromRangeFunction;
  readonly rangeMs: number;
  /** quantile_over_time's φ. */
  readonly quantile?: number;
}

/**
 * `fn(metric[range])` per series at every step: rows (g…, sk, i, val). Counter resets (a value
 * below the previous one, or a new start time) add the value before them, as in Prometheus.
 */
export function rangeFunctionSql(input: RangeFunctionInput, p: Params): string {
  const { source: src, grid, rangeMs } = input;
  const read = samples(src, grid, evalTimeMs(grid, 0) - rangeMs, p, needsStart(input.fn));
  return rangeOverSamples(read, gcols(src), input, p);
}

/** Whether a function's samples must carry their start time `st` (a new one is a reset). */
export const needsStart = (fn: PromRangeFunction): boolean =>
  ['rate', 'increase', 'irate', 'idelta', 'resets', 'changes'].includes(fn);

/**
 * `fn` over samples read by any query with columns (g…, sk, d, t, v, stale, and st when
 * `needsStart(fn)`): rows (g…, sk, i, val). `g` lists the group columns, e.g. `g0, g1, `.
 */
export function rangeOverSamples(
  read: string,
  g: string,
  input: Omit<RangeFunctionInput, 'source'>,
  p: Params,
): string {
  // One evaluation reads each sample once anyway: labelling each beats a second pass for labels.
  if (perSeries(input.fn, input.grid)) {
    return withGroups(rangeOverSeries(read, input, p), read, g);
  }
  const { grid, rangeMs } = input;
  const at = evalAt(grid, p);
  const f = rangeValue(input.fn, input.quantile ?? 0.5, rangeMs, at, p);
  const lagged = f.lag
    ? `SELECT *, if(pt IS NULL, 0, if(v < pv OR st != pst, pv, 0)) AS rc FROM (
        SELECT *, lagInFrame(toNullable(t)) OVER w AS pt, lagInFrame(v) OVER w AS pv,
          lagInFrame(st) OVER w AS pst
        FROM (${read}) WHERE NOT stale
        WINDOW w AS (PARTITION BY sk, d ORDER BY t ROWS BETWEEN 1 PRECEDING AND CURRENT ROW))`
    : `SELECT * FROM (${read}) WHERE NOT stale`;
  // Delta points are counted once: in the windows (T − range, T] that hold them.
  const fan = fanOut('t', rangeMs, grid, p, 'd');
  return `SELECT ${g}sk, i, ${[...f.lets, `${f.value} AS val`].join(', ')} FROM (
      SELECT ${g}sk, d, i, ${f.aggs.join(', ')}
      FROM (SELECT *, ${fan} AS i FROM (${lagged}))
      GROUP BY ${g}sk, d, i)`;
}

/** Whether a function is computed per series without its labels (rangeOverSeries). */
export const perSeries = (fn: PromRangeFunction, grid: StepGrid): boolean =>
  isEdgeFunction(fn) && grid.points > 1;

/**
 * `fn` over samples (sk, d, t, v, stale, and st when `needsStart(fn)`) of series told apart by sk
 * alone, for the functions perSeries accepts: rows (sk, i, val), labels left to the caller.
 */
export function rangeOverSeries(
  samples: string,
  input: Omit<RangeFunctionInput, 'source'>,
  p: Params,
): string {
  if (!isEdgeFunction(input.fn)) throw new Error(`${input.fn} is not computed per series`);
  const f = rangeValue(input.fn, 0.5, input.rangeMs, evalAt(input.grid, p), p);
  const start = needsStart(input.fn);
  const cols = `sk, d, t, v, stale${start ? ', st' : ''}`;
  return edgeRangeSql(
    `SELECT ${cols} FROM (${samples})`,
    { ...input, fn: input.fn, lets: f.lets, value: f.value, start },
    p,
  );
}

/**
 * Rows (sk, i, val) given the group columns g… of their series, taken once per series from the
 * rows of `read` (the same for every sample of a series): rows (g…, sk, i, val).
 */
function withGroups(values: string, read: string, g: string): string {
  if (g === '') return values;
  const cols = g
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return `SELECT ${cols.map((c) => `s.${c} AS ${c}, `).join('')}v.sk AS sk, v.i AS i, v.val AS val
    FROM (${values}) AS v
    INNER JOIN (SELECT sk, ${cols.map((c) => `any(${c}) AS ${c}`).join(', ')} FROM (${read}) GROUP BY sk) AS s
    USING (sk)`;
}

/** The metric's value per series at every step: the newest sample within the lookback. */
export function instantSql(source: SeriesSource, grid: StepGrid, p: Params): string {
  const read = samples(source, grid, evalTimeMs(grid, 0) - LOOKBACK_MS, p);
  return instantOverSamples(read, gcols(source), grid, p);
}

/** The instant value over samples read by any query with columns (g…, sk, t, v, stale). */
export function instantOverSamples(read: string, g: string, grid: StepGrid, p: Params): string {
  return `SELECT ${g}sk, i, if(argMax(stale, t), NULL, argMax(v, t)) AS val
    FROM (SELECT *, ${fanOut('t', LOOKBACK_MS, grid, p)} AS i FROM (${read}))
    GROUP BY ${g}sk, i`;
}

/** The instant value over samples (sk, t, v, stale) of series told apart by sk: rows (sk, i, val). */
export const instantOverSeries = (samples: string, grid: StepGrid, p: Params): string =>
  edgeInstantSql(`SELECT sk, t, v, stale FROM (${samples})`, grid, LOOKBACK_MS, p);

/**
 * Per-series rows (g…, sk, i, val) combined per group and step, as PromQL's `sum by (…)` and kin:
 * rows (g…, i, value), at most `maxRows`.
 */
export function acrossSql(
  perSeries: string,
  groups: number,
  across: MetricAcross,
  maxRows: number,
  p: Params,
): string {
  const g = Array.from({ length: groups }, (_, i) => `g${i}, `).join('');
  const agg = across === 'count' ? 'toFloat64(count())' : `${across}(val)`;
  return `SELECT ${g}i, ${agg} AS value FROM (${perSeries}) WHERE val IS NOT NULL
    GROUP BY ${g}i ORDER BY ${g}i LIMIT ${p.add(maxRows, 'UInt32')}`;
}

/** A whole query: `across by (groupBy) (fn(metric[range]))`, or of the instant value. */
export function promSql(
  input: Omit<RangeFunctionInput, 'fn'> & {
    readonly fn: RangeFunction | 'instant';
    readonly across: MetricAcross;
    readonly maxRows: number;
  },
): PromSql {
  const p = new Params();
  const perSeries =
    input.fn === 'instant'
      ? instantSql(input.source, input.grid, p)
      : rangeFunctionSql({ ...input, fn: input.fn }, p);
  const sql = acrossSql(perSeries, groupCount(input.source), input.across, input.maxRows, p);
  return { sql, params: p.values };
}
