import { LOOKBACK_MS } from '../../sql/metrics-prom-sql.ts';
import type { Call, Expr } from '../ast.ts';
import { dropName, type Compiled, type CompileContext } from '../compile.ts';
import { uniqueLabelsSql } from './throw-sql.ts';

type CompileArg = (e: Expr, ctx: CompileContext) => Compiled;

/** The evaluation time of step index `i`, in seconds. */
export const stepSecondsSql = (i: string, ctx: CompileContext): string =>
  `(${ctx.p.add(ctx.grid.startMs, 'Int64')} + ${i} * ${ctx.p.add(ctx.grid.stepMs, 'Int64')}) / 1000`;

/** Every step index of the grid, as column i. */
export const stepsSql = (ctx: CompileContext): string =>
  `SELECT toUInt32(number) AS i FROM numbers(${ctx.p.add(ctx.grid.points, 'UInt64')})`;

const unwrap = (e: Expr): Expr => (e.kind === 'Paren' ? unwrap(e.expr) : e);

/** time, vector, scalar, sort, sort_desc, timestamp; undefined for other functions. */
export function miscFunction(
  call: Call,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled | undefined {
  const arg = () => compileArg(call.args[0]!, ctx);
  switch (call.fn) {
    case 'time':
      return {
        type: 'scalar',
        sql: `SELECT i, ${stepSecondsSql('i', ctx)} AS val FROM (${stepsSql(ctx)})`,
      };
    case 'vector':
      return {
        type: 'vector',
        sql: `SELECT CAST(map(), 'Map(String, String)') AS ls, i, val FROM (${arg().sql})`,
      };
    case 'scalar':
      // The value of the only series, NaN when there are none or several.
      return {
        type: 'scalar',
        sql: `SELECT g.i AS i, if(a.n = 1, a.x, nan) AS val FROM (${stepsSql(ctx)}) AS g
          LEFT JOIN (SELECT i, count() AS n, any(val) AS x FROM (${arg().sql}) GROUP BY i) AS a
          ON g.i = a.i`,
      };
    case 'sort':
    case 'sort_desc':
      return { type: 'vector', sql: arg().sql, order: call.fn === 'sort' ? 'asc' : 'desc' };
    case 'timestamp':
      return timestamp(call.args[0]!, ctx, compileArg);
    default:
      return undefined;
  }
}

/**
 * A selector's samples' own times (as Prometheus treats `timestamp(metric)`), else the
 * evaluation time, in seconds.
 */
function timestamp(e: Expr, ctx: CompileContext, compileArg: CompileArg): Compiled {
  const v = compileArg(e, ctx);
  const sel = unwrap(e);
  if (sel.kind !== 'VectorSelector') {
    return {
      type: 'vector',
      sql: uniqueLabelsSql(
        `SELECT ${dropName('ls')} AS ls, i, ${stepSecondsSql('i', ctx)} AS val FROM (${v.sql})`,
      ),
    };
  }
  // The newest sample in the lookback window is the one the selector answered with.
  const m = compileArg({ kind: 'MatrixSelector', vector: sel, rangeMs: LOOKBACK_MS }, ctx);
  const sql = `SELECT ${dropName('v.ls')} AS ls, v.i AS i, w.t / 1000 AS val
    FROM (${v.sql}) AS v
    INNER JOIN (SELECT ls, i, max(t) AS t FROM (${m.sql}) GROUP BY ls, i) AS w
    ON v.i = w.i AND v.ls = w.ls`;
  return { type: 'vector', sql: uniqueLabelsSql(sql) };
}
