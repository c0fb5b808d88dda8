import type { Aggregate, Expr } from '../ast.ts';
import type { Compiled, CompileContext } from '../compile.ts';
import { badData, PromQLError } from '../errors.ts';
import { groupLabelsSql, labelsHashSql } from './labels-sql.ts';
import { scalarOperand } from './scalar-operand.ts';

type CompileArg = (e: Expr, ctx: CompileContext) => Compiled;

const groupSql = (a: Aggregate, ls: string, ctx: CompileContext): string =>
  groupLabelsSql(a.by, a.without, ls, ctx.p);

/**
 * topk and bottomk: per group and step the k series of highest (lowest) value, NaN last in both
 * as in Prometheus; k truncated to an integer, none when below 1. Series keep their labels.
 */
function topk(a: Aggregate, ctx: CompileContext, compileArg: CompileArg): Compiled {
  const v = compileArg(a.expr, ctx);
  const k = scalarOperand(compileArg(a.param!, ctx), 'v', 's', ctx.p);
  const order = a.op === 'topk' ? 'DESC' : 'ASC';
  const sql = `SELECT ls, i, val FROM (
      SELECT v.ls AS ls, v.i AS i, v.val AS val, trunc(${k.value}) AS k,
        row_number() OVER (PARTITION BY v.i, ${labelsHashSql(groupSql(a, 'v.ls', ctx))}
          ORDER BY isNaN(v.val), v.val ${order}) AS rn
      FROM (${v.sql}) AS v${k.join})
    WHERE rn <= k`;
  return { type: 'vector', sql };
}

/**
 * quantile(φ, v): per group and step, Prometheus's interpolation between the closest ranks
 * (φ·(n − 1)), values sorted with NaN first; φ out of [0, 1] is ∓Inf.
 */
function quantile(a: Aggregate, ctx: CompileContext, compileArg: CompileArg): Compiled {
  const v = compileArg(a.expr, ctx);
  const q = scalarOperand(compileArg(a.param!, ctx), 'g', 's', ctx.p);
  const sql = `SELECT ls, i, val FROM (
      SELECT g.ls AS ls, g.i AS i, ${q.value} AS q, length(g.vs) AS n, q * (n - 1) AS rank,
        toUInt64(greatest(0, floor(rank))) AS lo, toUInt64(least(n - 1, lo + 1)) AS hi,
        multiIf(q < 0, -inf, q > 1, inf,
          g.vs[lo + 1] * (1 - (rank - floor(rank))) + g.vs[hi + 1] * (rank - floor(rank))) AS val
      FROM (
        SELECT mapSort(${groupSql(a, 'ls', ctx)}) AS ls, i,
          arraySort(x -> (NOT isNaN(x), x), groupArray(val)) AS vs
        FROM (${v.sql}) GROUP BY ls, i) AS g${q.join})`;
  return { type: 'vector', sql };
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A value as Go's strconv.FormatFloat(v, 'f', -1, 64) writes it, for values without exponent. */
const formatSql = (val: string): string => {
  const v = `assumeNotNull(${val})`;
  return `multiIf(isNaN(${v}), 'NaN', ${v} = inf, '+Inf', ${v} = -inf, '-Inf', toString(${v}))`;
};

/** count_values("label", v): per group and step, how many series have each value. */
function countValues(a: Aggregate, ctx: CompileContext, compileArg: CompileArg): Compiled {
  const param = a.param;
  if (param?.kind !== 'StringLiteral') throw badData('count_values(): the label must be a string');
  if (!LABEL_NAME.test(param.value)) {
    throw new PromQLError('execution', `invalid label name "${param.value}"`);
  }
  const v = compileArg(a.expr, ctx);
  const label = ctx.p.add(param.value, 'String');
  const sql = `SELECT g AS ls, i, toFloat64(count()) AS val FROM (
      SELECT mapSort(mapUpdate(${groupSql(a, 'ls', ctx)}, map(${label}, ${formatSql('val')}))) AS g, i
      FROM (${v.sql}))
    GROUP BY g, i`;
  return { type: 'vector', sql };
}

/** topk, bottomk, quantile, count_values; undefined for the other aggregations. */
export function aggregateK(
  a: Aggregate,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled | undefined {
  switch (a.op) {
    case 'topk':
    case 'bottomk':
      return topk(a, ctx, compileArg);
    case 'quantile':
      return quantile(a, ctx, compileArg);
    case 'count_values':
      return countValues(a, ctx, compileArg);
    default:
      return undefined;
  }
}
