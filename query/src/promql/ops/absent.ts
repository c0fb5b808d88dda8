import type { Call, Expr, LabelMatcher } from '../ast.ts';
import type { Compiled, CompileContext } from '../compile.ts';
import { labelMapSql } from './labels-sql.ts';
import { stepsSql } from './misc-functions.ts';

type CompileArg = (e: Expr, ctx: CompileContext) => Compiled;

/**
 * The labels absent() answers with, as Prometheus derives them from a selector: each label
 * matched once with `=`; a label also matched otherwise, or twice, is left out.
 */
export function absentLabels(matchers: readonly LabelMatcher[]): Record<string, string> {
  const labels: Record<string, string> = {};
  const dropped = new Set<string>();
  for (const m of matchers) {
    if (m.name === '__name__') continue;
    if (m.op === '=' && !(m.name in labels)) labels[m.name] = m.value;
    else dropped.add(m.name);
  }
  for (const name of dropped) delete labels[name];
  return labels;
}

/** absent(v) and absent_over_time(m[r]): 1 at the steps where the argument has no series. */
export function absentFunction(
  call: Call,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled | undefined {
  if (call.fn !== 'absent' && call.fn !== 'absent_over_time') return undefined;
  const arg = call.args[0]!;
  let present: Compiled;
  let matchers: readonly LabelMatcher[] = [];
  if (call.fn === 'absent') {
    present = compileArg(arg, ctx);
    if (arg.kind === 'VectorSelector') matchers = arg.matchers;
  } else {
    // A range is present when it holds a sample: count_over_time's rows.
    present = compileArg({ kind: 'Call', fn: 'count_over_time', args: [arg] }, ctx);
    if (arg.kind === 'MatrixSelector') matchers = arg.vector.matchers;
  }
  const ls = labelMapSql(absentLabels(matchers), ctx.p);
  return {
    type: 'vector',
    sql: `SELECT ${ls} AS ls, i, 1. AS val FROM (${stepsSql(ctx)})
      WHERE i NOT IN (SELECT i FROM (${present.sql}))`,
  };
}
