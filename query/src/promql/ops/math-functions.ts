import type { Call } from '../ast.ts';
import { dropName, type Compiled, type CompileContext } from '../compile.ts';
import { scalarOperand } from './scalar-operand.ts';
import { uniqueLabelsSql } from './throw-sql.ts';

/**
 * Functions of each sample's value: the metric name dropped, as Prometheus does, and two series
 * that end up with the same labels refused.
 */
const ONE_VALUE: Readonly<Record<string, (v: string) => string>> = {
  abs: (v) => `abs(${v})`,
  ceil: (v) => `ceil(${v})`,
  floor: (v) => `floor(${v})`,
  sqrt: (v) => `sqrt(${v})`,
  exp: (v) => `exp(${v})`,
  ln: (v) => `log(${v})`,
  log2: (v) => `log2(${v})`,
  log10: (v) => `log10(${v})`,
  // ClickHouse's sign(nan) is 1; Prometheus keeps NaN (and 0).
  sgn: (v) => `multiIf(${v} < 0, -1., ${v} > 0, 1., ${v})`,
  deg: (v) => `${v} * 180 / pi()`,
  rad: (v) => `${v} * pi() / 180`,
  acos: (v) => `acos(${v})`,
  acosh: (v) => `acosh(${v})`,
  asin: (v) => `asin(${v})`,
  asinh: (v) => `asinh(${v})`,
  atan: (v) => `atan(${v})`,
  atanh: (v) => `atanh(${v})`,
  cos: (v) => `cos(${v})`,
  cosh: (v) => `cosh(${v})`,
  sin: (v) => `sin(${v})`,
  sinh: (v) => `sinh(${v})`,
  tan: (v) => `tan(${v})`,
  tanh: (v) => `tanh(${v})`,
};

// Go's math.Max and math.Min: NaN if either is NaN.
const maxOf = (a: string, b: string) => `if(isNaN(${a}) OR isNaN(${b}), nan, greatest(${a}, ${b}))`;
const minOf = (a: string, b: string) => `if(isNaN(${a}) OR isNaN(${b}), nan, least(${a}, ${b}))`;

type CompileArg = (e: Call['args'][number], ctx: CompileContext) => Compiled;

/** `f(vector, scalar…)` with the scalars as SQL values; the row kept when `keep` holds. */
function withScalars(
  call: Call,
  ctx: CompileContext,
  compileArg: CompileArg,
  value: (v: string, s: readonly string[]) => { val: string; keep?: string },
): Compiled {
  const [first, ...rest] = call.args;
  const v = compileArg(first!, ctx);
  const scalars = rest.map((a, k) => scalarOperand(compileArg(a, ctx), 'v', `s${k}`, ctx.p));
  const { val, keep = '1' } = value(
    'v.val',
    scalars.map((s) => s.value),
  );
  const sql = `SELECT ${dropName('v.ls')} AS ls, v.i AS i, ${val} AS val
    FROM (${v.sql}) AS v${scalars.map((s) => s.join).join('')} WHERE ${keep}`;
  return { type: 'vector', sql: uniqueLabelsSql(sql) };
}

/** abs, ceil, …, round, clamp, clamp_min, clamp_max; undefined for other functions. */
export function mathFunction(
  call: Call,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled | undefined {
  const f = ONE_VALUE[call.fn];
  if (f) return withScalars(call, ctx, compileArg, (v) => ({ val: f(v) }));
  switch (call.fn) {
    case 'round':
      // Go: math.Floor(v·(1/n) + 0.5) / (1/n); to the nearest integer without n.
      return withScalars(call, ctx, compileArg, (v, [n]) => {
        const inverse = n === undefined ? '1' : `(1 / ${n})`;
        return { val: `floor(${v} * ${inverse} + 0.5) / ${inverse}` };
      });
    case 'clamp':
      // Nothing when max < min.
      return withScalars(call, ctx, compileArg, (v, [lo, hi]) => ({
        val: maxOf(lo!, minOf(hi!, v)),
        keep: `NOT (${hi} < ${lo})`,
      }));
    case 'clamp_min':
      return withScalars(call, ctx, compileArg, (v, [lo]) => ({ val: maxOf(v, lo!) }));
    case 'clamp_max':
      return withScalars(call, ctx, compileArg, (v, [hi]) => ({ val: minOf(v, hi!) }));
    default:
      return undefined;
  }
}
