import type { Aggregate, Binary, Call } from '../ast.ts';
import type { CompileArg, Compiled, CompileContext } from '../compile.ts';
import { absentFunction } from './absent.ts';
import { aggregateK } from './aggregate-k.ts';
import { arithmeticOrComparison } from './binary.ts';
import { histogramQuantile } from './histogram-quantile.ts';
import { labelFunction } from './label-functions.ts';
import { mathFunction } from './math-functions.ts';
import { miscFunction } from './misc-functions.ts';
import { setOperation } from './set-ops.ts';

/**
 * The operators, functions and aggregations compile.ts hands over: each answers undefined for
 * what it does not handle, and compile.ts then refuses the construct by name.
 */
export function compileCall(
  call: Call,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled | undefined {
  return (
    mathFunction(call, ctx, compileArg) ??
    miscFunction(call, ctx, compileArg) ??
    labelFunction(call, ctx, compileArg) ??
    absentFunction(call, ctx, compileArg) ??
    histogramQuantile(call, ctx, compileArg)
  );
}

export function compileBinary(
  b: Binary,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled | undefined {
  return arithmeticOrComparison(b, ctx, compileArg) ?? setOperation(b, ctx, compileArg);
}

export function compileAggregateK(
  a: Aggregate,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled | undefined {
  return aggregateK(a, ctx, compileArg);
}
