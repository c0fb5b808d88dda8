import type { ClickHouseClient } from '@clickhouse/client';
import { Params } from '../sql/metrics-keys.ts';
import { compile, type CompileContext, type Compiled, type Grid } from './compile.ts';
import { PromQLError, badData } from './errors.ts';
import {
  compareLabels,
  formatTime,
  formatValue,
  readFloat,
  sortedLabels,
  type Labels,
} from './format.ts';
import { sqlThrownError } from './ops/throw-sql.ts';
import { parsePromQL } from './parse.ts';
import { typeOf } from './type-check.ts';
import { NameResolver } from './resolve-names.ts';
import type { Expr } from './ast.ts';

export interface PromQLLimits {
  /** Series in an answer at most. */
  readonly maxSeries: number;
  /** Samples (points) in an answer at most. */
  readonly maxSamples: number;
  readonly timeoutMs: number;
}

export interface PromQLContext {
  /** A client for reads. */
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly limits: PromQLLimits;
  readonly signal?: AbortSignal | undefined;
  readonly now?: (() => number) | undefined;
}

export type SamplePair = [number, string];
export type PromData =
  | { resultType: 'matrix'; result: { metric: Labels; values: SamplePair[] }[] }
  | { resultType: 'vector'; result: { metric: Labels; value: SamplePair }[] }
  | { resultType: 'scalar'; result: SamplePair }
  | { resultType: 'string'; result: SamplePair };

export interface PromQLAnswer {
  readonly data: PromData;
  readonly warnings: string[];
}

/** Whole steps from start to end at most in a range query, as Prometheus's API allows. */
export const MAX_POINTS = 11_000;

/** `expr` at one time (ms), as Prometheus's /api/v1/query answers. */
export async function evaluateInstant(
  ctx: PromQLContext,
  text: string,
  timeMs: number,
): Promise<PromQLAnswer> {
  const expr = parsePromQL(text);
  const type = typeOf(expr);
  const grid: Grid = { startMs: timeMs, stepMs: 1, points: 1 };
  const { c, cc } = await compileResolved(ctx, expr, grid, timeMs, timeMs);
  if (c.type === 'string') {
    return answer({ resultType: 'string', result: [formatTime(timeMs), String(c.value)] });
  }
  const rows = await run(ctx, c, cc);
  if (type === 'scalar') {
    const v = rows[0]?.values[0];
    return answer({
      resultType: 'scalar',
      result: [formatTime(timeMs), formatValue(v?.[1] ?? NaN)],
    });
  }
  if (type === 'matrix') {
    return answer({
      resultType: 'matrix',
      result: rows.map((r) => ({
        metric: sortedLabels(r.ls),
        values: r.values.map(([t, v]) => [formatTime(t), formatValue(v)]),
      })),
    });
  }
  const result = rows.map((r) => ({
    metric: sortedLabels(r.ls),
    value: [formatTime(timeMs), formatValue(r.values[0]![1])] as SamplePair,
  }));
  if (c.order !== undefined) {
    const sign = c.order === 'asc' ? 1 : -1;
    result.sort((a, b) => orderByValue(Number(a.value[1]), Number(b.value[1]), sign));
  }
  return answer({ resultType: 'vector', result });
}

/** `expr` from `startMs` to `endMs` every `stepMs`, as Prometheus's /api/v1/query_range answers. */
export async function evaluateRange(
  ctx: PromQLContext,
  text: string,
  startMs: number,
  endMs: number,
  stepMs: number,
): Promise<PromQLAnswer> {
  if (endMs < startMs) throw badData('end timestamp must not be before start time');
  if (!(stepMs > 0)) {
    throw badData(
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  }
  // Prometheus's rule: (end − start) / step, in whole steps, at most 11,000.
  if (Math.floor((endMs - startMs) / stepMs) > MAX_POINTS) {
    throw badData(
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  }
  const points = Math.floor((endMs - startMs) / stepMs) + 1;
  const expr = parsePromQL(text);
  const type = typeOf(expr);
  if (type !== 'scalar' && type !== 'vector') {
    const name = type === 'matrix' ? 'range vector' : 'string';
    throw badData(
      `invalid expression type "${name}" for range query, must be Scalar or instant Vector`,
    );
  }
  const grid: Grid = { startMs, stepMs, points };
  const { c, cc } = await compileResolved(ctx, expr, grid, startMs, endMs);
  const rows = await run(ctx, c, cc);
  return answer({
    resultType: 'matrix',
    result: rows.map((r) => ({
      metric: sortedLabels(r.ls),
      values: r.values.map(([t, v]) => [formatTime(t), formatValue(v)]),
    })),
  });
}

const answer = (data: PromData): PromQLAnswer => ({ data, warnings: [] });

/**
 * Compiles twice: the first pass records which stored names each selector's read needs, one query
 * finds them, and the second pass reads only those, through the tables' sort key.
 */
async function compileResolved(
  ctx: PromQLContext,
  expr: Expr,
  grid: Grid,
  startMs: number,
  endMs: number,
): Promise<{ c: Compiled; cc: CompileContext }> {
  const names = new NameResolver();
  compile(expr, { ...compileContext(ctx, grid, startMs, endMs), names });
  try {
    await names.resolve(ctx.client, ctx.database, settings(ctx), ctx.signal);
  } catch (err) {
    throw mapError(err, ctx);
  }
  const cc = { ...compileContext(ctx, grid, startMs, endMs), names };
  return { c: compile(expr, cc), cc };
}

function compileContext(
  ctx: PromQLContext,
  grid: Grid,
  startMs: number,
  endMs: number,
): CompileContext {
  return { grid, p: new Params('q'), database: ctx.database, startMs, endMs };
}

// Prometheus's sort: NaN last whatever the direction.
function orderByValue(a: number, b: number, sign: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return sign * (a - b);
}

interface SeriesRows {
  ls: Labels;
  /** (time ms, value) pairs in time order. */
  values: [number, number][];
}

interface Row {
  ls: Labels;
  ts: (number | string)[];
  vs: unknown[];
}

/**
 * Runs a compiled node with the limits in the SQL: at most maxSamples + 1 rows are read, at most
 * maxSeries + 1 series grouped, and the server stops at the timeout.
 */
async function run(ctx: PromQLContext, c: Compiled, cc: CompileContext): Promise<SeriesRows[]> {
  const p = cc.p;
  const { maxSeries, maxSamples } = ctx.limits;
  // Times: a step's evaluation time, or a raw sample's own (a range vector's t).
  const inner =
    c.type === 'matrix'
      ? `SELECT ls, t, v AS val FROM (${c.sql})`
      : c.type === 'scalar'
        ? `SELECT map() AS ls, i, val FROM (${c.sql})`
        : `SELECT ls, i, val FROM (${c.sql})`;
  const time = c.type === 'matrix' ? 't' : 'i';
  const sql = `SELECT ls, groupArray(${time}) AS ts, groupArray(val) AS vs FROM (
      SELECT * FROM (${inner}) LIMIT ${p.add(maxSamples + 1, 'UInt64')})
    GROUP BY ls LIMIT ${p.add(maxSeries + 1, 'UInt64')}`;
  const rows = await query<Row>(ctx, sql, p);
  const tooManySeries = () =>
    new PromQLError(
      'execution',
      `query processing would load too many series into memory in query execution (more than ${maxSeries})`,
    );
  if (rows.length > maxSeries) throw tooManySeries();
  const samples = rows.reduce((n, r) => n + r.ts.length, 0);
  if (samples > maxSamples) {
    // The samples read stopped early, at whatever series came first: count the series apart,
    // so that too many of them is told whatever order the samples came in.
    const count = `SELECT count() AS n FROM (
        SELECT ls FROM (${inner}) LIMIT 1 BY ls LIMIT ${p.add(maxSeries + 1, 'UInt64')})`;
    const [seen] = await query<{ n: number | string }>(ctx, count, p);
    if (Number(seen?.n ?? 0) > maxSeries) throw tooManySeries();
    throw new PromQLError(
      'execution',
      'query processing would load too many samples into memory in query execution',
    );
  }
  return rows
    .map((r) => ({ ls: r.ls, values: pairs(r, c, cc.grid) }))
    .sort((a, b) => compareLabels(a.ls, b.ls));
}

function pairs(r: Row, c: Compiled, grid: Grid): [number, number][] {
  const out = r.ts.map((t, k): [number, number] => [Number(t), readFloat(r.vs[k])]);
  out.sort((a, b) => a[0] - b[0]);
  if (c.type === 'matrix') return out;
  return out.map(([i, v]) => [grid.startMs + i * grid.stepMs, v]);
}

function settings(ctx: PromQLContext) {
  return {
    max_execution_time: Math.max(1, Math.ceil(ctx.limits.timeoutMs / 1000)),
    timeout_overflow_mode: 'throw',
    output_format_json_quote_denormals: 1,
    output_format_json_quote_64bit_integers: 0,
  } as const;
}

/** One read, with the timeout and cancellation mapped to Prometheus's error types. */
async function query<T>(ctx: PromQLContext, sql: string, p: Params): Promise<T[]> {
  try {
    const rs = await ctx.client.query({
      query: sql,
      query_params: p.values,
      format: 'JSONEachRow',
      abort_signal: ctx.signal,
      clickhouse_settings: settings(ctx),
    });
    return await rs.json<T>();
  } catch (err) {
    throw mapError(err, ctx);
  }
}

function mapError(err: unknown, ctx: PromQLContext): Error {
  if (err instanceof PromQLError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const thrown = sqlThrownError(message);
  if (thrown !== undefined) return thrown;
  if (ctx.signal?.aborted === true) return new PromQLError('canceled', 'query was canceled');
  if (/TIMEOUT_EXCEEDED|Timeout exceeded/i.test(message)) {
    return new PromQLError(
      'timeout',
      `query timed out in expression evaluation (${ctx.limits.timeoutMs} ms)`,
    );
  }
  return new PromQLError('execution', message);
}
