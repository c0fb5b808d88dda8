import { expQuantileSql, expWindowSql } from '../sql/exp-histogram-sql.ts';
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
import { stepGrid } from './selectors.ts';

/**
 * OTLP exponential histograms as Prometheus native histograms, as far as a float-sample engine
 * goes: a histogram is never a query's answer, but histogram_quantile, histogram_count and
 * histogram_sum take one made of a selector (each series' newest histogram in the lookback), of
 * rate(…[r]) or increase(…[r]) of a selector, or of sums of those (`sum by (…)`, `sum without
 * (…)`, nested). The histograms' arithmetic is exp-histogram-sql.ts's, which the metrics API's
 * percentiles use too. histogram_quantile answers classic `le` buckets beside them, as Prometheus.
 */

const FUNCTIONS = new Set(['histogram_quantile', 'histogram_count', 'histogram_sum']);

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

/** Rows (grp, i, hscale, hzero, hcount, hsum, pk, pv, nk, nv) of a plan over the context's grid. */
function histogramsSql(plan: Plan, ctx: CompileContext): string {
  if (plan.sel.at !== undefined) throw badData('@ is not supported on native histograms');
  const grid = { ...ctx.grid, startMs: ctx.grid.startMs - plan.sel.offsetMs };
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

/** histogram_quantile / histogram_count / histogram_sum of native histograms; else undefined. */
export function nativeHistogramCall(
  call: Call,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled | undefined {
  if (!FUNCTIONS.has(call.fn)) return undefined;
  const plan = planOf(call.args[call.args.length - 1]!);
  if (plan === undefined) {
    if (call.fn === 'histogram_quantile') return undefined;
    throw badData(
      `${call.fn} takes native histograms: a selector, rate(…[r]) or increase(…[r]) of one, or sums of those`,
    );
  }
  const h = histogramsSql(plan, ctx);
  if (call.fn !== 'histogram_quantile') {
    const col = call.fn === 'histogram_count' ? 'hcount' : 'hsum';
    return { type: 'vector', sql: `SELECT grp AS ls, i, ${col} AS val FROM (${h})` };
  }
  const phi = compileArg(call.args[0]!, ctx);
  const withPhi =
    typeof phi.value === 'number'
      ? { from: h, q: floatSql(phi.value, ctx.p) }
      : {
          from: `SELECT h.*, s.val AS phi FROM (${h}) AS h INNER JOIN (${phi.sql}) AS s ON h.i = s.i`,
          q: 'phi',
        };
  const native = `SELECT grp AS ls, i, val FROM (${expQuantileSql(withPhi.from, withPhi.q)})`;
  const classic = histogramQuantile(call, ctx, compileArg);
  return {
    type: 'vector',
    sql: classic ? `${native}\nUNION ALL\nSELECT ls, i, val FROM (${classic.sql})` : native,
  };
}
