import { expFractionSql, expQuantileSql, expWindowSql } from '../sql/exp-histogram-sql.ts';
import { LOOKBACK_MS } from '../sql/metrics-prom-sql.ts';
import type { Aggregate, Call, Expr, VectorSelector } from './ast.ts';
import { nativeHistogramSamplesSql } from './catalog.ts';
import {
  dropName,
  floatSql,
  type CompileArg,
  type Compiled,
  type CompileContext,
} from './compile.ts';
import { badData } from './errors.ts';
import { histogramQuantile } from './ops/histogram-quantile.ts';
import { groupLabelsSql } from './ops/labels-sql.ts';
import { place, stepGrid, type Placement } from './selectors.ts';

/**
 * OTLP exponential histograms as Prometheus native histograms, as far as a float-sample engine
 * goes: a histogram is never a query's answer, but histogram_quantile, histogram_count,
 * histogram_sum and histogram_fraction take one made of a selector (each series' newest histogram
 * in the lookback), of rate(…[r]) or increase(…[r]) of a selector (`offset` and `@` as on float
 * samples), or of sums of those (`sum by (…)`, `sum without (…)`, nested). The histograms'
 * arithmetic is exp-histogram-sql.ts's, which the metrics API's percentiles use too.
 * histogram_quantile and histogram_fraction answer classic `le` buckets beside them.
 */

const FUNCTIONS = new Set([
  'histogram_quantile',
  'histogram_count',
  'histogram_sum',
  'histogram_fraction',
]);

/** A histogram-valued expression: where its histograms come from, and the sums over them. */
interface Plan {
  readonly sel: VectorSelector;
  readonly fn: 'rate' | 'increase' | 'last';
  readonly rangeMs: number;
  /** The sums, innermost first. */
  readonly sums: readonly Aggregate[];
}

function planOf(e: Expr, outer: readonly Aggregate[] = []): Plan | undefined {
  switch (e.kind) {
    case 'Paren':
      return planOf(e.expr, outer);
    case 'VectorSelector':
      return { sel: e, fn: 'last', rangeMs: LOOKBACK_MS, sums: [...outer].reverse() };
    case 'Call': {
      const m = e.args[0];
      if ((e.fn !== 'rate' && e.fn !== 'increase') || m?.kind !== 'MatrixSelector')
        return undefined;
      return { sel: m.vector, fn: e.fn, rangeMs: m.rangeMs, sums: [...outer].reverse() };
    }
    case 'Aggregate':
      return e.op === 'sum' && e.param === undefined ? planOf(e.expr, [...outer, e]) : undefined;
    default:
      return undefined;
  }
}

/** Rows (grp, i, hscale, hzero, hcount, hsum, pk, pv, nk, nv) of a plan over its placement's grid. */
function histogramsSql(plan: Plan, pl: Placement, ctx: CompileContext): string {
  const grid = pl.grid;
  const lastMs = grid.startMs + (grid.points - 1) * grid.stepMs;
  const read = nativeHistogramSamplesSql(
    plan.sel,
    { database: ctx.database, fromMs: grid.startMs - plan.rangeMs, toMs: lastMs },
    ctx.p,
  );
  const grp = plan.sums.reduce(
    (ls, a) => groupLabelsSql(a.by, a.without, ls, ctx.p),
    dropName('ls'),
  );
  const samples = `SELECT *, ${grp} AS grp FROM (${read})`;
  return expWindowSql({
    samples,
    groups: 'grp',
    grid: stepGrid(grid),
    fn: plan.fn,
    rangeMs: plan.rangeMs,
    p: ctx.p,
  });
}

/** The histogram rows of a one-step placement copied to every step of the query's grid. */
function broadcastRows(h: string, pl: Placement, ctx: CompileContext): string {
  if (!pl.broadcast) return h;
  return `SELECT one.* REPLACE (toUInt32(n.number) AS i) FROM (${h}) AS one
    CROSS JOIN (SELECT number FROM numbers(${ctx.grid.points})) AS n`;
}

/** The histogram rows with each scalar argument as SQL: a constant, or a column joined by step. */
function withScalars(
  h: string,
  args: readonly Expr[],
  ctx: CompileContext,
  compileArg: CompileArg,
) {
  let from = h;
  const cols = args.map((a, k) => {
    const c = compileArg(a, ctx);
    if (typeof c.value === 'number') return floatSql(c.value, ctx.p);
    from = `SELECT h.*, s.val AS a${k} FROM (${from}) AS h INNER JOIN (${c.sql}) AS s ON h.i = s.i`;
    return `a${k}`;
  });
  return { from, cols };
}

/** histogram_quantile / _count / _sum / _fraction of native histograms; else undefined. */
export function nativeHistogramCall(
  call: Call,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled | undefined {
  if (!FUNCTIONS.has(call.fn)) return undefined;
  const plan = planOf(call.args[call.args.length - 1]!);
  if (plan === undefined) {
    if (call.fn === 'histogram_quantile' || call.fn === 'histogram_fraction') return undefined;
    throw badData(
      `${call.fn} takes native histograms: a selector, rate(…[r]) or increase(…[r]) of one, or sums of those`,
    );
  }
  // With `@`, one evaluation copied to every step, as selectors.ts does for float samples.
  const pl = place(plan.sel.at, plan.sel.offsetMs, ctx);
  const h = broadcastRows(histogramsSql(plan, pl, ctx), pl, ctx);
  if (call.fn === 'histogram_count' || call.fn === 'histogram_sum') {
    const col = call.fn === 'histogram_count' ? 'hcount' : 'hsum';
    return { type: 'vector', sql: `SELECT grp AS ls, i, ${col} AS val FROM (${h})` };
  }
  const { from, cols } = withScalars(h, call.args.slice(0, -1), ctx, compileArg);
  const values =
    call.fn === 'histogram_fraction'
      ? expFractionSql(from, cols[0]!, cols[1]!)
      : expQuantileSql(from, cols[0]!);
  const native = `SELECT grp AS ls, i, val FROM (${values})`;
  // Classic `le` buckets answer beside them, as in Prometheus.
  const classic = histogramQuantile(call, ctx, compileArg);
  return {
    type: 'vector',
    sql: classic ? `${native}\nUNION ALL\nSELECT ls, i, val FROM (${classic.sql})` : native,
  };
}
