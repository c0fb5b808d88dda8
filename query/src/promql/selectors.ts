import {
  fanOut,
  instantOverSamples,
  instantOverSeries,
  perSeries,
  PROM_RANGE_FUNCTIONS,
  rangeOverSamples,
  rangeOverSeries,
  LOOKBACK_MS,
} from '../sql/metrics-prom-sql.ts';
import type { StepGrid } from '../sql/metrics-grid.ts';
import type {
  AtModifier,
  Call,
  Expr,
  MatrixSelector,
  SubqueryExpr,
  VectorSelector,
} from './ast.ts';
import { selectorSamplesSql } from './catalog.ts';
import { selectorSeriesSql } from './series-read.ts';
import {
  joinSeries,
  type CompileArg,
  type Compiled,
  type CompileContext,
  type Grid,
  type MatrixInfo,
  type VectorSeries,
} from './compile.ts';
import { badData } from './errors.ts';

/** Prometheus's default evaluation interval: a subquery's step when it names none. */
export const DEFAULT_SUBQUERY_STEP_MS = 60_000;

/**
 * Where a selector or subquery is evaluated: every step shifted back by the offset, or, with
 * `@`, one time for all steps (then `broadcast` copies its one row to every step).
 */
export interface Placement {
  readonly grid: Grid;
  readonly broadcast: boolean;
}

export function place(at: AtModifier, offsetMs: number, ctx: CompileContext): Placement {
  if (at === undefined) {
    const g = ctx.grid;
    return { grid: { ...g, startMs: g.startMs - offsetMs }, broadcast: false };
  }
  const t = at === 'start' ? ctx.startMs : at === 'end' ? ctx.endMs : at;
  return { grid: { startMs: t - offsetMs, stepMs: 1, points: 1 }, broadcast: ctx.grid.points > 1 };
}

/** metrics-prom-sql's grid (evaluations at fromMs + (i+1)·step) for T_i = startMs + i·step. */
export const stepGrid = (g: Grid): StepGrid => ({
  fromMs: g.startMs - g.stepMs,
  toMs: g.startMs + (g.points - 1) * g.stepMs,
  stepMs: g.stepMs,
  points: g.points,
});

const lastMs = (g: Grid): number => g.startMs + (g.points - 1) * g.stepMs;

/** Rows (ls, i, val) of a one-step placement copied to every step of the query's grid. */
function broadcast(sql: string, pl: Placement, ctx: CompileContext): string {
  if (!pl.broadcast) return sql;
  return `SELECT ls, toUInt32(n.number) AS i, val FROM (${sql}) AS one
    CROSS JOIN (SELECT number FROM numbers(${ctx.grid.points})) AS n`;
}

function samplesOf(sel: VectorSelector, fromMs: number, toMs: number, ctx: CompileContext) {
  const resolved = ctx.names?.lookup(sel, fromMs, toMs);
  const o = { database: ctx.database, fromMs, toMs };
  return {
    read: selectorSamplesSql(sel, o, ctx.p, resolved),
    series: selectorSeriesSql(sel, o, ctx.p, resolved),
  };
}

/** A vector computed per series, its labels joined (and copied to every step for `@`). */
function seriesVector(s: VectorSeries, pl: Placement, ctx: CompileContext): Compiled {
  const sql = broadcast(joinSeries(s), pl, ctx);
  return { type: 'vector', sql, ...(!pl.broadcast && { series: s }) };
}

/** An instant vector selector: each series' newest sample within the lookback, not stale. */
export function compileVectorSelector(sel: VectorSelector, ctx: CompileContext): Compiled {
  const pl = place(sel.at, sel.offsetMs, ctx);
  const { read, series } = samplesOf(sel, pl.grid.startMs - LOOKBACK_MS, lastMs(pl.grid), ctx);
  if (pl.grid.points === 1) {
    // One evaluation reads few samples: labelling each costs less than a second pass for labels.
    const values = instantOverSamples(read, 'ls, ', stepGrid(pl.grid), ctx.p);
    const sql = `SELECT ls, i, assumeNotNull(val) AS val FROM (
        SELECT ls, i, val FROM (${values}) WHERE val IS NOT NULL)`;
    return { type: 'vector', sql: broadcast(sql, pl, ctx) };
  }
  const values = instantOverSeries(series.samples, stepGrid(pl.grid), ctx.p);
  // Filtered a level below: an alias `val` in the same SELECT would be what WHERE reads.
  const nonNull = `SELECT sk, i, assumeNotNull(val) AS val FROM (
      SELECT sk, i, val FROM (${values}) WHERE val IS NOT NULL)`;
  return seriesVector({ values: nonNull, labels: series.labels }, pl, ctx);
}

/** A range vector: its samples (ls, sk, d, t, v, stale, st), the window and the placement. */
export function compileMatrix(
  e: MatrixSelector | SubqueryExpr,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled {
  const info = e.kind === 'MatrixSelector' ? matrixSelector(e, ctx) : subquery(e, ctx, compileArg);
  const fan = fanOut('t', info.rangeMs, stepGrid(info.grid), ctx.p);
  const windows = `SELECT ls, sk, ${fan} AS i, t, v FROM (${info.read}) WHERE NOT stale`;
  const sql = info.broadcast
    ? `SELECT ls, sk, toUInt32(n.number) AS i, t, v FROM (${windows}) AS one
        CROSS JOIN (SELECT number FROM numbers(${ctx.grid.points})) AS n`
    : windows;
  return { type: 'matrix', sql, matrix: info };
}

function matrixSelector(e: MatrixSelector, ctx: CompileContext): MatrixInfo {
  const pl = place(e.vector.at, e.vector.offsetMs, ctx);
  const { read, series } = samplesOf(e.vector, pl.grid.startMs - e.rangeMs, lastMs(pl.grid), ctx);
  return { read, series, rangeMs: e.rangeMs, grid: pl.grid, broadcast: pl.broadcast };
}

/**
 * A subquery: the inner expression on its own grid, the multiples of its step from the first
 * window's start to the last evaluation (as Prometheus aligns it), read back as samples.
 */
function subquery(e: SubqueryExpr, ctx: CompileContext, compileArg: CompileArg): MatrixInfo {
  const pl = place(e.at, e.offsetMs, ctx);
  const step = e.stepMs ?? DEFAULT_SUBQUERY_STEP_MS;
  if (step <= 0) throw badData('subquery step must be positive');
  const from = Math.ceil((pl.grid.startMs - e.rangeMs) / step) * step;
  const to = lastMs(pl.grid);
  const points = Math.floor((to - from) / step) + 1;
  if (points < 1) throw badData('subquery range is shorter than its step');
  const inner: Grid = { startMs: from, stepMs: step, points };
  const c = compileArg(e.expr, { ...ctx, grid: inner });
  if (c.type !== 'vector' && c.type !== 'scalar') {
    throw badData(`subquery is only allowed on instant vectors, got ${c.type}`);
  }
  const ls = c.type === 'scalar' ? `CAST(map(), 'Map(String, String)')` : 'ls';
  const read = `SELECT ${ls} AS ls, cityHash64(${ls}) AS sk, 0 AS d,
      toInt64(${from} + i * ${step}) AS t, toInt64(0) AS st, val AS v, false AS stale
    FROM (${c.sql})`;
  return { read, rangeMs: e.rangeMs, grid: pl.grid, broadcast: pl.broadcast };
}

/** `fn(range vector)` through metrics-prom-sql, or undefined when fn is not one of them. */
export function compileRangeFunction(
  call: Call,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled | undefined {
  const fn = PROM_RANGE_FUNCTIONS.find((f) => f === call.fn);
  if (fn === undefined) return undefined;
  const quantile = fn === 'quantile_over_time' ? constantArg(call.args[0]!, fn) : undefined;
  const arg = compileArg(call.args[fn === 'quantile_over_time' ? 1 : 0]!, ctx);
  const m = arg.matrix!;
  // φ outside [0, 1]: −Inf below, +Inf above, NaN for NaN, wherever the window holds samples.
  const outside = quantile !== undefined && !(quantile >= 0 && quantile <= 1);
  const input = {
    grid: stepGrid(m.grid),
    fn: outside ? 'count_over_time' : fn,
    rangeMs: m.rangeMs,
    ...(quantile !== undefined && !outside && { quantile }),
  } as const;
  // last_over_time keeps the metric name, as Prometheus does.
  const ls = fn === 'last_over_time' ? 'ls' : `mapFilter((k, v) -> k != '__name__', ls)`;
  const val = !outside
    ? 'assumeNotNull(val)'
    : quantile < 0
      ? '-inf'
      : quantile > 1
        ? 'inf'
        : 'nan';
  const pl = { grid: m.grid, broadcast: m.broadcast };
  if (m.series !== undefined && perSeries(input.fn, input.grid)) {
    const values = `SELECT sk, i, ${val} AS val FROM (
        SELECT sk, i, val FROM (${rangeOverSeries(m.series.samples, input, ctx.p)})
        WHERE val IS NOT NULL)`;
    const labels = `SELECT sk, ${ls} AS ls FROM (${m.series.labels})`;
    return seriesVector({ values, labels }, pl, ctx);
  }
  const values = rangeOverSamples(m.read, 'ls, ', input, ctx.p);
  const sql = `SELECT ${ls} AS ls, i, ${val} AS val FROM (
      SELECT ls, i, val FROM (${values}) WHERE val IS NOT NULL)`;
  return { type: 'vector', sql: broadcast(sql, pl, ctx) };
}

function constantArg(e: Expr, fn: string): number {
  let x = e;
  while (x.kind === 'Paren') x = x.expr;
  if (x.kind === 'NumberLiteral') return x.value;
  if (x.kind === 'Unary' && x.expr.kind === 'NumberLiteral') {
    return x.op === '-' ? -x.expr.value : x.expr.value;
  }
  throw badData(`${fn}: only a number literal is supported as its scalar argument`);
}
