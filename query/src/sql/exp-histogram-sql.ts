import type { Params } from './metrics-keys.ts';
import type { StepGrid } from './metrics-grid.ts';
import { evalTimeMs } from './metrics-prom-sql.ts';

/**
 * OTLP exponential histograms read as Prometheus reads native histograms (Prometheus 2.42, the
 * version the comparison test runs), as ClickHouse SQL: the metrics API's percentiles and PromQL's
 * histogram_quantile / histogram_count / histogram_sum both build on it.
 *
 * An OTLP bucket of index k at scale s holds (2^(k·2^−s), 2^((k+1)·2^−s)]; Prometheus numbers the
 * same bucket k+1 (by its upper bound) under schema s. Negative buckets mirror them; the zero
 * bucket holds exact zeros (the zero threshold is not stored: the OpenTelemetry SDKs' is 0).
 */

/**
 * The columns the sample SQL must yield, one row per stored point: the group columns, `sk` (the
 * series), `d` (a delta point), `t` and `st` (ms), `stale`, `sc` (scale), `zc` (zero count),
 * `cnt`, `sm` (sum), `po`/`pc` and `no`/`nc` (positive and negative offset and bucket counts).
 */
export const EXP_SAMPLE_COLUMNS = `toUInt8(AggregationTemporality = 1) AS d,
  toUnixTimestamp64Milli(TimeUnix) AS t, toUnixTimestamp64Milli(StartTimeUnix) AS st,
  bitAnd(Flags, 1) = 1 AS stale, Scale AS sc, toFloat64(ZeroCount) AS zc, toFloat64(Count) AS cnt,
  Sum AS sm, PositiveOffset AS po, arrayMap(x -> toFloat64(x), PositiveBucketCounts) AS pc,
  NegativeOffset AS no, arrayMap(x -> toFloat64(x), NegativeBucketCounts) AS nc`;

export interface ExpWindowInput {
  /** Rows with EXP_SAMPLE_COLUMNS and the group columns. */
  readonly samples: string;
  /** The group columns, comma-separated ('' for one group). */
  readonly groups: string;
  readonly grid: StepGrid;
  /**
   * rate / increase over [T − rangeMs, T] as Prometheus computes them for native histograms;
   * last: each series' newest point in [T − rangeMs, T] (an instant selector, rangeMs the lookback).
   */
  readonly fn: 'rate' | 'increase' | 'last';
  readonly rangeMs: number;
  readonly p: Params;
}

/** Bucket keys of offset `o` and counts `c` at scale `s`, rescaled to scale `target` (k ↦ ⌊k / 2^(s−target)⌋). */
const keysAt = (o: string, c: string, s: string) =>
  `arrayMap(j -> toInt64(floor((${o} + j - 1) / exp2(${s} - target))), arrayEnumerate(${c}))`;

/**
 * Per group and step (columns: groups, i, hscale, hzero, hcount, hsum, pk, pv, nk, nv): the sum over
 * the group's series of each series' histogram for that step, at the coarsest scale any of the
 * points used has (merging buckets is exact when downscaling, as Prometheus and the OTel SDKs do).
 *
 * rate/increase: Prometheus pairs the consecutive samples inside the window only: the increase is
 * last − first, plus the previous histogram at each reset (a lower count or zero count, a finer
 * scale, a new start time), extrapolated to the window's edges by the factor Prometheus uses for
 * counters (without the clamp to the counter's zero point, which 2.42 does not apply to
 * histograms); a series with fewer than two samples in the window has none. A delta point is an
 * increase already: the points in the window are added up, without extrapolation.
 */
export function expWindowSql(input: ExpWindowInput): string {
  const { grid, p, groups } = input;
  const g = groups === '' ? '' : `${groups}, `;
  const first = p.add(evalTimeMs(grid, 0), 'Int64');
  const step = p.add(grid.stepMs, 'Int64');
  const range = p.add(input.rangeMs, 'Int64');
  const last = grid.points - 1;
  // Steps T_i with T_i ≥ t and T_i − range ≤ from.
  const fan = (t: string, from: string) =>
    `arrayJoin(range(toUInt32(greatest(0, ceil((${t} - ${first}) / ${step}))),
      toUInt32(greatest(0, least(${last}, floor((${from} + ${range} - ${first}) / ${step})) + 1))))`;
  const sideSums = (k: 'p' | 'n') => `sumMap(${keysAt(`${k}o`, `${k}c`, 'sc')}, ${k}c)`;
  if (input.fn === 'last') {
    // The newest point of each series in the window, unless it is a staleness marker.
    const newest = `SELECT ${g}sk, i, argMax(tuple(stale, sc, zc, cnt, sm, po, pc, no, nc), t) AS x
      FROM (SELECT *, ${fan('t', 't')} AS i FROM (${input.samples}))
      GROUP BY ${g}sk, i`;
    const rows = `SELECT ${g}i, NOT x.1 AS live, x.2 AS sc, x.3 AS zc, x.4 AS cnt, x.5 AS sm,
        x.6 AS po, x.7 AS pc, x.8 AS no, x.9 AS nc,
        min(x.2) OVER (PARTITION BY ${g}i) AS target
      FROM (${newest}) WHERE live`;
    return `SELECT ${g}i, any(target) AS hscale, sum(zc) AS hzero, sum(cnt) AS hcount, sum(sm) AS hsum,
        ${sideSums('p')} AS pm, pm.1 AS pk, pm.2 AS pv,
        ${sideSums('n')} AS nm, nm.1 AS nk, nm.2 AS nv
      FROM (${rows}) GROUP BY ${g}i ORDER BY ${g}i`;
  }
  const prev = ['t', 'st', 'sc', 'zc', 'cnt', 'sm', 'po', 'pc', 'no', 'nc']
    .map((c) => `lagInFrame(${c === 't' ? 'toNullable(t)' : c}) OVER w AS p${c}`)
    .join(', ');
  // One row per pair of consecutive samples of a series (the later one's delta for delta points),
  // copied to every step whose window holds both.
  const pairs = `SELECT *, d OR st != pst OR cnt < pcnt OR zc < pzc OR sc > psc AS reset,
      ${fan('t', 'if(d, t, assumeNotNull(pt))')} AS i
    FROM (SELECT * FROM (SELECT *, ${prev} FROM (${input.samples}) WHERE NOT stale
      WINDOW w AS (PARTITION BY sk, d ORDER BY t ROWS BETWEEN 1 PRECEDING AND CURRENT ROW))
      WHERE d OR pt IS NOT NULL)`;
  const withTarget = `SELECT *, min(if(d, sc, least(sc, psc))) OVER (PARTITION BY ${g}i) AS target
    FROM (${pairs})`;
  // A pair's increase: the later histogram, minus the earlier one unless it is a reset.
  const bucketSum = (k: 'p' | 'n') =>
    `sumMap(arrayConcat(${keysAt(`${k}o`, `${k}c`, 'sc')},
        if(reset, CAST([], 'Array(Int64)'), ${keysAt(`p${k}o`, `p${k}c`, 'psc')})),
      arrayConcat(${k}c, if(reset, CAST([], 'Array(Float64)'), arrayMap(x -> -x, p${k}c))))`;
  const diff = (c: string) => `sum(if(reset, ${c}, ${c} - p${c}))`;
  const perSeries = `SELECT ${g}sk, i, any(target) AS tgt, any(d) AS isDelta,
      min(assumeNotNull(pt)) AS t0, max(t) AS t1, count() AS pairs,
      ${diff('zc')} AS z1, ${diff('cnt')} AS c1, ${diff('sm')} AS s1,
      ${bucketSum('p')} AS pm, ${bucketSum('n')} AS nm
    FROM (${withTarget}) GROUP BY ${g}sk, i`;
  const rangeS = `(${range} / 1000)`;
  // Prometheus's extrapolation: to each edge when the sample is within 1.1 average intervals of it, else half an interval.
  const factor = `if(isDelta, 1, (
      (t1 - t0) / 1000
      + if((t0 - (T - ${range})) / 1000 < gap * 1.1, (t0 - (T - ${range})) / 1000, gap / 2)
      + if((T - t1) / 1000 < gap * 1.1, (T - t1) / 1000, gap / 2)) / ((t1 - t0) / 1000))
    ${input.fn === 'rate' ? `/ ${rangeS}` : ''}`;
  const scaled = `SELECT *, ${first} + i * ${step} AS T, (t1 - t0) / 1000 / pairs AS gap, ${factor} AS f
    FROM (${perSeries})`;
  const side = (k: 'p' | 'n') => `sumMap(${k}m.1, arrayMap(x -> x * f, ${k}m.2))`;
  return `SELECT ${g}i, any(tgt) AS hscale, sum(z1 * f) AS hzero, sum(c1 * f) AS hcount,
      sum(s1 * f) AS hsum, ${side('p')} AS pmf, pmf.1 AS pk, pmf.2 AS pv,
      ${side('n')} AS nmf, nmf.1 AS nk, nmf.2 AS nv
    FROM (${scaled}) GROUP BY ${g}i ORDER BY ${g}i`;
}

const bound = (k: string) => `pow(2, (${k}) * exp2(-hscale))`;

/** expWindowSql's buckets with observations, from the most negative up: (lower, upper, count). */
const BUCKETS = `arrayFilter(x -> x.3 > 0, arrayConcat(
    arrayReverse(arrayMap((k, c) -> (-${bound('k + 1')}, -${bound('k')}, c), nk, nv)),
    if(hzero > 0, [(-0., 0., hzero)], []),
    arrayMap((k, c) -> (${bound('k')}, ${bound('k + 1')}, c), pk, pv)))`;

/**
 * Rows of `from` (expWindowSql's columns) with `val`, their φ-quantile (φ as SQL), as Prometheus
 * 2.42's histogramQuantile: φ < 0 is −Inf, φ > 1 +Inf; no observations (or φ NaN) NaN; otherwise
 * the buckets from the most negative up (the zero bucket, when it has observations, between), the
 * first whose cumulative count reaches φ·count, interpolated linearly inside it; a rank past every
 * bucket (observations of NaN count but fall in no bucket) yields the last bucket's upper end.
 */
export function expQuantileSql(from: string, q: string): string {
  const found = 'arrayFirstIndex(x -> x >= rank, cum)';
  const reached = 'least(cum[j], hcount)';
  return `SELECT *, multiIf(isNaN(${q}), nan, ${q} < 0, -inf, ${q} > 1, inf, hcount = 0, nan,
      length(b) = 0, 0, ${reached} < rank, b[j].2,
      b[j].1 + (b[j].2 - b[j].1) * ((rank - (${reached} - b[j].3)) / b[j].3)) AS val
    FROM (SELECT *, ${BUCKETS} AS b, arrayCumSum(arrayMap(x -> x.3, b)) AS cum,
      ${q} * hcount AS rank, if(${found} = 0, length(b), ${found}) AS j
      FROM (${from}))`;
}

/**
 * Rows of `from` (expWindowSql's columns) with `val`, the fraction of observations between `lower`
 * and `upper` (SQL), as Prometheus 2.42's histogramFraction: NaN with no observations or a NaN
 * bound, 0 when lower ≥ upper; else the count below each bound (a bucket's count in full when the
 * bound is at or past its upper end, none at or below its lower end, linearly in between; the
 * whole count past the last bucket) divided by the count.
 */
export function expFractionSql(from: string, lower: string, upper: string): string {
  const rank = (x: string) => `if(length(b) = 0 OR ${x} >= b[-1].2, hcount, least(hcount,
      arraySum(arrayMap(y -> y.3 * if(${x} <= y.1, 0, if(${x} >= y.2, 1, (${x} - y.1) / (y.2 - y.1))), b))))`;
  return `SELECT *, multiIf(hcount = 0 OR isNaN(${lower}) OR isNaN(${upper}), nan,
      ${lower} >= ${upper}, 0, (${rank(upper)} - ${rank(lower)}) / hcount) AS val
    FROM (SELECT *, ${BUCKETS} AS b FROM (${from}))`;
}
