import type { Params } from '../sql/metrics-keys.ts';
import type { SeriesSamples } from './series-read.ts';
import type { Aggregate, Binary, Call, Expr } from './ast.ts';
import { badData } from './errors.ts';
import type { ValueType } from './functions.ts';
import type { NameResolver } from './resolve-names.ts';
import { compileAggregation } from './aggregate.ts';
import { nativeHistogramCall } from './native-histograms.ts';
import { compileAggregateK, compileBinary, compileCall } from './ops/index.ts';
import { compileMatrix, compileRangeFunction, compileVectorSelector } from './selectors.ts';

/**
 * The evaluation grid: T_i = startMs + i·stepMs, i = 0…points−1 (an instant query is a grid of
 * one). Inside a subquery the grid is the subquery's own.
 */
export interface Grid {
  readonly startMs: number;
  readonly stepMs: number;
  readonly points: number;
}

export interface CompileContext {
  readonly grid: Grid;
  readonly p: Params;
  readonly database: string;
  /** The query's own start and end (ms): what `@ start()` and `@ end()` denote. */
  readonly startMs: number;
  readonly endMs: number;
  /** The stored names selectors denote, found before compiling (evaluate.ts compiles twice). */
  readonly names?: NameResolver | undefined;
}

/**
 * A compiled node. `sql` columns by type: vector (ls Map(String, String), i UInt32, val Float64),
 * one row per series and step where the series has a value; scalar (i, val), one row per step;
 * matrix (ls, sk UInt64, i, t Int64 ms, v Float64): the samples each step's window holds, one
 * row per sample and step (sk tells apart series that share a label set). A string literal's or
 * number literal's value is in `value` (a number literal also has `sql`).
 */
export interface Compiled {
  readonly type: ValueType;
  readonly sql?: string;
  readonly value?: string | number;
  /** sort / sort_desc at the top: an instant answer ordered by value. */
  readonly order?: 'asc' | 'desc';
  /** A range vector's source, for the range functions metrics-prom-sql implements. */
  readonly matrix?: MatrixInfo;
  /**
   * A vector as values per series and their labels apart, `sql` being their join: lets an
   * aggregation group series before it joins their values (see aggregate.ts).
   */
  readonly series?: VectorSeries;
}

/** Rows (sk, i, val) with val not NULL, and rows (sk, ls), one per series. */
export interface VectorSeries {
  readonly values: string;
  readonly labels: string;
}

/** The rows (ls, i, val) of a vector given apart. */
export const joinSeries = (s: VectorSeries): string =>
  `SELECT l.ls AS ls, v.i AS i, v.val AS val FROM (${s.values}) AS v
    INNER JOIN (${s.labels}) AS l USING (sk)`;

/**
 * A range vector as metrics-prom-sql reads it: samples (ls, sk, d, t, v, stale, st), the window
 * length and the grid of its evaluations (one step copied to all when `broadcast`, for `@`).
 */
export interface MatrixInfo {
  readonly read: string;
  readonly rangeMs: number;
  readonly grid: Grid;
  readonly broadcast: boolean;
  /** A selector's samples (sk, d, t, st, v, stale) and labels (sk, ls) apart. */
  readonly series?: SeriesSamples;
}

export type CompileArg = (e: Expr, ctx: CompileContext) => Compiled;

/** Compiles an expression to SQL over the context's grid. */
export function compile(e: Expr, ctx: CompileContext): Compiled {
  switch (e.kind) {
    case 'NumberLiteral':
      return { type: 'scalar', value: e.value, sql: constantSql(e.value, ctx) };
    case 'StringLiteral':
      return { type: 'string', value: e.value };
    case 'Paren':
      return compile(e.expr, ctx);
    case 'Unary':
      return e.op === '+' ? compile(e.expr, ctx) : negate(compile(e.expr, ctx));
    case 'VectorSelector':
      return compileVectorSelector(e, ctx);
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return compileMatrix(e, ctx, compile);
    case 'Call':
      return compileCallNode(e, ctx);
    case 'Aggregate':
      return compileAggregate(e, ctx);
    case 'Binary':
      return compileBinaryNode(e, ctx);
  }
}

/** A scalar that is the same at every step. */
export function constantSql(value: number, ctx: CompileContext): string {
  return `SELECT toUInt32(number) AS i, ${floatSql(value, ctx.p)} AS val FROM numbers(${ctx.grid.points})`;
}

/** A float query parameter, NaN and infinities included. */
export function floatSql(value: number, p: Params): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return p.add(value, 'Float64');
}

function negate(c: Compiled): Compiled {
  if (c.type === 'scalar') {
    return {
      type: 'scalar',
      ...(typeof c.value === 'number' && { value: -c.value }),
      sql: `SELECT i, -val AS val FROM (${c.sql})`,
    };
  }
  return { type: 'vector', sql: `SELECT ${dropName('ls')} AS ls, i, -val AS val FROM (${c.sql})` };
}

/** A label map without `__name__`, as every operation that changes a value leaves it. */
export const dropName = (ls: string): string => `mapFilter((k, v) -> k != '__name__', ${ls})`;

function compileCallNode(e: Call, ctx: CompileContext): Compiled {
  const done =
    nativeHistogramCall(e, ctx, compile) ??
    compileRangeFunction(e, ctx, compile) ??
    compileCall(e, ctx, compile);
  if (done === undefined) throw badData(`function "${e.fn}" is not supported`);
  return done;
}

function compileAggregate(e: Aggregate, ctx: CompileContext): Compiled {
  const done = compileAggregation(e, ctx, compile) ?? compileAggregateK(e, ctx, compile);
  if (done === undefined) throw badData(`aggregation "${e.op}" is not supported`);
  return done;
}

function compileBinaryNode(e: Binary, ctx: CompileContext): Compiled {
  const done = compileBinary(e, ctx, compile);
  if (done === undefined) throw badData(`operator "${e.op}" is not supported`);
  return done;
}
