import type { Call, Expr } from '../ast.ts';
import { dropName, type Compiled, type CompileContext } from '../compile.ts';
import { scalarOperand } from './scalar-operand.ts';

type CompileArg = (e: Expr, ctx: CompileContext) => Compiled;

/** An `le` label as Go's strconv.ParseFloat reads it; NULL when it is missing or not a number. */
export const bucketBoundSql = (le: string): string =>
  `multiIf(lower(${le}) IN ('+inf', 'inf', '+infinity', 'infinity'), inf,
    lower(${le}) IN ('-inf', '-infinity'), -inf, lower(${le}) = 'nan', nan, toFloat64OrNull(${le}))`;

/**
 * The φ-quantile of buckets `b` (Array(Tuple(bound, count)) sorted by bound, one per bound;
 * `c` their counts made monotonic, `n` how many, `total` the last count), given columns `rank`
 * (φ·total) and `bk` (the 0-based bucket holding it), as Prometheus's bucketQuantile: φ out of [0, 1] is ∓Inf; no +Inf bucket, fewer than two
 * buckets or no observations is NaN; counts made monotonic; the bucket holding rank φ·total is
 * found and the value interpolated linearly inside it, from 0 in the first bucket (or its bound
 * when that is ≤ 0); a rank in the +Inf bucket yields the highest finite bound.
 */
export function bucketQuantileSql(q: string, b: string, c: string, n: string, total: string) {
  const bound = (k: string) => `${b}[${k}].1`;
  const start = `if(bk = 0, 0, ${bound('bk')})`;
  const below = `if(bk = 0, 0, ${c}[bk])`;
  return `multiIf(
      isNaN(${q}), nan, ${q} < 0, -inf, ${q} > 1, inf,
      ${bound(n)} != inf OR ${n} < 2 OR ${total} = 0, nan,
      bk = ${n} - 1, ${bound(`${n} - 1`)},
      bk = 0 AND ${bound('1')} <= 0, ${bound('1')},
      ${start} + (${bound('bk + 1')} - ${start}) * ((rank - ${below}) / (${c}[bk + 1] - ${below})))`;
}

/** Rows (g, i, b) of a vector's `le` series: per label set without `le` and step, the buckets. */
function bucketsSql(v: Compiled): string {
  const group = `mapSort(mapFilter((k, v) -> k != 'le', ${dropName('ls')}))`;
  // Buckets of one bound added up (as Prometheus coalesces them), then sorted by bound.
  return `SELECT g, i, arraySort(x -> x.1, groupArray((ub, c))) AS b FROM (
      SELECT ${group} AS g, i, ub, sum(val) AS c
      FROM (SELECT ls, i, val, ${bucketBoundSql("ls['le']")} AS ub FROM (${v.sql}))
      WHERE ub IS NOT NULL GROUP BY g, i, ub)
    GROUP BY g, i`;
}

/** histogram_quantile(φ, buckets) over series with an `le` label, per label set without it. */
export function histogramQuantile(
  call: Call,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled | undefined {
  if (call.fn === 'histogram_fraction') return histogramFraction(call, ctx, compileArg);
  if (call.fn !== 'histogram_quantile') return undefined;
  const q = scalarOperand(compileArg(call.args[0]!, ctx), 'h', 's', ctx.p);
  const buckets = bucketsSql(compileArg(call.args[1]!, ctx));
  // c: the counts made monotonic (a rate of a bucket can dip below the one before it); bk: the
  // bucket holding the rank, 0-based, or the last when none before it does.
  const sql = `SELECT ls, i, val FROM (
    SELECT h.g AS ls, h.i AS i, ${q.value} * h.total AS rank,
      if(arrayFirstIndex(x -> x >= rank, arrayPopBack(h.c)) = 0, h.n - 1,
        arrayFirstIndex(x -> x >= rank, arrayPopBack(h.c)) - 1) AS bk,
      ${bucketQuantileSql(q.value, 'h.b', 'h.c', 'h.n', 'h.total')} AS val
    FROM (
      SELECT g, i, b, length(b) AS n,
        arrayMap(j -> arrayMax(arraySlice(arrayMap(x -> x.2, b), 1, j)), arrayEnumerate(b)) AS c,
        c[n] AS total
      FROM (${buckets})) AS h${q.join})`;
  return { type: 'vector', sql };
}

/**
 * The count of buckets `b` (sorted (bound, cumulative count)) below `x`, as Prometheus's
 * BucketFraction ranks a bound: 0 at or below the first bucket's lower end (0 when its bound is
 * above 0, else −Inf); the bucket's count at its bound; linearly between its lower end (the
 * previous bound) and its bound inside it; never more than the +Inf bucket's count.
 */
function classicRankSql(x: string, b: string): string {
  const j = `arrayFirstIndex(y -> y.1 >= ${x}, ${b})`;
  const lower = `if(${j} = 1, if(${b}[1].1 > 0, 0, -inf), ${b}[${j} - 1].1)`;
  const below = `if(${j} = 1, 0, ${b}[${j} - 1].2)`;
  return `if(${x} <= if(${b}[1].1 > 0, 0, -inf), 0, least(${b}[-1].2, if(${b}[${j}].1 = ${x}, ${b}[${j}].2,
      ${below} + (${b}[${j}].2 - ${below}) * (${x} - ${lower}) / (${b}[${j}].1 - ${lower}))))`;
}

/**
 * histogram_fraction(lower, upper, buckets) over series with an `le` label, as Prometheus 3
 * computes it for classic histograms (2.42 answers only native ones): NaN without a +Inf bucket,
 * with no observations or a NaN bound; 0 when lower ≥ upper; else the difference of the bounds'
 * ranks over the +Inf bucket's count. Counts are taken as they are (not made monotonic).
 */
function histogramFraction(call: Call, ctx: CompileContext, compileArg: CompileArg): Compiled {
  const lo = scalarOperand(compileArg(call.args[0]!, ctx), 'h', 'lo', ctx.p);
  const hi = scalarOperand(compileArg(call.args[1]!, ctx), 'h', 'hi', ctx.p);
  const buckets = bucketsSql(compileArg(call.args[2]!, ctx));
  const [l, u] = [lo.value, hi.value];
  const sql = `SELECT h.g AS ls, h.i AS i, multiIf(
      h.b[-1].1 != inf OR h.b[-1].2 = 0 OR isNaN(${l}) OR isNaN(${u}), nan, ${l} >= ${u}, 0,
      (${classicRankSql(u, 'h.b')} - ${classicRankSql(l, 'h.b')}) / h.b[-1].2) AS val
    FROM (${buckets}) AS h${lo.join}${hi.join}`;
  return { type: 'vector', sql };
}
