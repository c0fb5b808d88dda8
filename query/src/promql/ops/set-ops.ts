import type { Binary } from '../ast.ts';
import type { Compiled, CompileContext } from '../compile.ts';
import { labelsHashSql, narrowLabelsSql } from './labels-sql.ts';

/**
 * `and`, `or`, `unless` at each step, by match labels (on/ignoring; by default every label but the
 * metric name): the left side's series that have a match (and) or none (unless) on the right;
 * `or` adds the right side's series that match none on the left. Series pass unchanged.
 */
export function setOperation(
  b: Binary,
  ctx: CompileContext,
  compileArg: (e: Binary['lhs'], ctx: CompileContext) => Compiled,
): Compiled | undefined {
  if (b.op !== 'and' && b.op !== 'or' && b.op !== 'unless') return undefined;
  const l = compileArg(b.lhs, ctx);
  const r = compileArg(b.rhs, ctx);
  const key = `(i, ${labelsHashSql(narrowLabelsSql('ls', b.matching.on, b.matching.ignoring, ctx.p))})`;
  const keys = (c: Compiled) => `SELECT ${key} FROM (${c.sql})`;
  const sql =
    b.op === 'or'
      ? `SELECT ls, i, val FROM (${l.sql})
        UNION ALL SELECT ls, i, val FROM (${r.sql}) WHERE ${key} NOT IN (${keys(l)})`
      : `SELECT ls, i, val FROM (${l.sql}) WHERE ${key} ${b.op === 'and' ? 'IN' : 'NOT IN'} (${keys(r)})`;
  return { type: 'vector', sql };
}
