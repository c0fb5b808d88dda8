import type { BinaryOp, Expr } from './ast.ts';
import { badData } from './errors.ts';
import { FUNCTIONS, TYPE_NAMES, type ValueType } from './functions.ts';

/** Prometheus' type rules, checked once a query is parsed (parse.ts) and by alert rules. */

export const COMPARISONS: ReadonlySet<BinaryOp> = new Set(['==', '!=', '>', '<', '>=', '<=']);
export const SET_OPS: ReadonlySet<BinaryOp> = new Set(['and', 'or', 'unless']);

/** The type of an expression, checking function and operator arguments as Prometheus does. */
export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
      return 'vector';
    case 'MatrixSelector':
      return 'matrix';
    case 'SubqueryExpr':
      expectType(e.expr, 'vector', 'subquery');
      return 'matrix';
    case 'Paren':
      return typeOf(e.expr);
    case 'Unary':
      expectType(e.expr, 'vector', 'unary expression', true);
      return typeOf(e.expr);
    case 'Aggregate':
      expectType(e.expr, 'vector', `aggregation expression "${e.op}"`);
      if (e.param !== undefined) {
        expectType(
          e.param,
          e.op === 'count_values' ? 'string' : 'scalar',
          `aggregation parameter of "${e.op}"`,
        );
      }
      return 'vector';
    case 'Call':
      return callType(e.fn, e.args);
    case 'Binary': {
      const l = typeOf(e.lhs);
      const r = typeOf(e.rhs);
      for (const t of [l, r]) {
        if (t !== 'scalar' && t !== 'vector') {
          throw badData(`binary expression must contain only scalar and instant vector types`);
        }
      }
      if (SET_OPS.has(e.op) && (l === 'scalar' || r === 'scalar')) {
        throw badData(`set operator "${e.op}" not allowed in binary scalar expression`);
      }
      if (COMPARISONS.has(e.op) && l === 'scalar' && r === 'scalar' && !e.bool) {
        throw badData('comparisons between scalars must use BOOL modifier');
      }
      const hasMatching = e.matching.on !== undefined || e.matching.ignoring !== undefined;
      if (hasMatching && (l === 'scalar' || r === 'scalar')) {
        throw badData('vector matching only allowed between instant vectors');
      }
      return l === 'scalar' && r === 'scalar' ? 'scalar' : 'vector';
    }
  }
}

function expectType(e: Expr, want: ValueType, context: string, scalarToo = false): void {
  const got = typeOf(e);
  if (got === want || (scalarToo && got === 'scalar')) return;
  throw badData(`expected type ${TYPE_NAMES[want]} in ${context}, got ${TYPE_NAMES[got]}`);
}

function callType(fn: string, args: readonly Expr[]): ValueType {
  const sig = FUNCTIONS.get(fn)!;
  const min = sig.args.length - (sig.optional ?? 0);
  if (args.length < min || (!sig.variadic && args.length > sig.args.length)) {
    throw badData(
      `expected ${min === sig.args.length ? '' : 'at least '}${min} argument(s) in call to "${fn}", got ${args.length}`,
    );
  }
  args.forEach((a, i) => {
    const want = sig.args[Math.min(i, sig.args.length - 1)]!;
    expectType(a, want, `call to function "${fn}"`);
  });
  return sig.returns;
}
