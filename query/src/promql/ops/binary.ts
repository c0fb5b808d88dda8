import type { Params } from '../../sql/metrics-keys.ts';
import type { Binary, BinaryOp } from '../ast.ts';
import { dropName, type Compiled, type CompileContext } from '../compile.ts';
import { labelsHashSql, narrowLabelsSql } from './labels-sql.ts';
import { scalarOperand } from './scalar-operand.ts';
import { throwIfSql, uniqueLabelsSql } from './throw-sql.ts';

/**
 * Arithmetic and comparison operators over the (ls, i, val) shape, as Prometheus 2.x evaluates
 * them: a comparison without `bool` filters and keeps the vector's value; arithmetic and `bool`
 * drop the metric name; vector/vector pairs series by their match labels, one-to-one unless
 * group_left/group_right, and refuses ambiguous matches with Prometheus's errors.
 */

const ARITHMETIC: Readonly<Partial<Record<BinaryOp, (l: string, r: string) => string>>> = {
  '+': (l, r) => `${l} + ${r}`,
  '-': (l, r) => `${l} - ${r}`,
  '*': (l, r) => `${l} * ${r}`,
  '/': (l, r) => `${l} / ${r}`,
  // ClickHouse's float modulo is C's fmod, as Go's math.Mod: the sign of the dividend.
  '%': (l, r) => `${l} % ${r}`,
  '^': (l, r) => `pow(${l}, ${r})`,
  atan2: (l, r) => `atan2(${l}, ${r})`,
};

const COMPARISON: Readonly<Partial<Record<BinaryOp, string>>> = {
  '==': '=',
  '!=': '!=',
  '>': '>',
  '<': '<',
  '>=': '>=',
  '<=': '<=',
};

export const isArithmetic = (op: BinaryOp): boolean => ARITHMETIC[op] !== undefined;

// Prometheus 2.x keeps the metric name through atan2 (its shouldDropMetricName leaves it out).
const dropsName = (op: BinaryOp, bool: boolean): boolean =>
  bool || (isArithmetic(op) && op !== 'atan2');
export const isComparison = (op: BinaryOp): boolean => COMPARISON[op] !== undefined;

/** The result value, and whether the row is kept, of `l op r` (comparisons keep l's value). */
function valueAndKeep(op: BinaryOp, l: string, r: string, bool: boolean) {
  const arithmetic = ARITHMETIC[op];
  if (arithmetic) return { val: arithmetic(l, r), keep: '1' };
  const cmp = `(${l} ${COMPARISON[op]!} ${r})`;
  return bool ? { val: `toFloat64(${cmp})`, keep: '1' } : { val: l, keep: cmp };
}

const MANY_TO_MANY =
  'many-to-many matching not allowed: matching labels must be unique on one side';

/** scalar op scalar (comparisons only with bool, which the parser enforces). */
function scalarScalar(b: Binary, l: Compiled, r: Compiled, p: Params): Compiled {
  const rv = scalarOperand(r, 'l', 'r', p);
  const { val } = valueAndKeep(b.op, 'l.val', rv.value, true);
  return { type: 'scalar', sql: `SELECT l.i AS i, ${val} AS val FROM (${l.sql}) AS l${rv.join}` };
}

/** vector op scalar, or scalar op vector (`swap`). */
function vectorScalar(b: Binary, v: Compiled, s: Compiled, swap: boolean, p: Params): Compiled {
  const sv = scalarOperand(s, 'v', 's', p);
  const [l, r] = swap ? [sv.value, 'v.val'] : ['v.val', sv.value];
  const { val, keep } = valueAndKeep(b.op, l, r, b.bool);
  // A comparison keeps the vector's value even when the scalar is on the left.
  const value = keep !== '1' ? 'v.val' : val;
  const drop = dropsName(b.op, b.bool);
  const sql = `SELECT ${drop ? dropName('v.ls') : 'v.ls'} AS ls, v.i AS i, ${value} AS val
    FROM (${v.sql}) AS v${sv.join} WHERE ${keep}`;
  return { type: 'vector', sql: drop ? uniqueLabelsSql(sql) : sql };
}

/** The labels of a vector/vector result: the "many" side's, as Prometheus's resultMetric. */
function resultLabels(b: Binary, many: string, one: string, p: Params): string {
  const m = b.matching;
  let ls = dropsName(b.op, b.bool) ? dropName(many) : many;
  if (m.card === 'one-to-one') {
    if (m.on) ls = narrowLabelsSql(ls, m.on, undefined, p);
    else if (m.ignoring && m.ignoring.length > 0)
      ls = `mapFilter((k, v) -> NOT has(${p.add(m.ignoring, 'Array(String)')}, k), ${ls})`;
  }
  if (m.include.length > 0) {
    const inc = p.add(m.include, 'Array(String)');
    ls = `mapUpdate(mapFilter((k, v) -> NOT has(${inc}, k), ${ls}),
      mapFilter((k, v) -> has(${inc}, k) AND v != '', ${one}))`;
  }
  return ls;
}

/** vector op vector, with on/ignoring and group_left/group_right. */
function vectorVector(b: Binary, l: Compiled, r: Compiled, p: Params): Compiled {
  const m = b.matching;
  const sig = (ls: string) => labelsHashSql(narrowLabelsSql(ls, m.on, m.ignoring, p));
  // group_right: the left side is the "one" side; values are still computed left op right.
  const right = m.card === 'one-to-many';
  const [many, one] = right ? [r, l] : [l, r];
  const side = right ? 'left' : 'right';
  const oneRows = `SELECT i, sg, any(ls) AS ls, any(val) AS val
    FROM (SELECT ls, i, val, ${sig('ls')} AS sg FROM (${one.sql}))
    GROUP BY i, sg
    HAVING ${throwIfSql('count() > 1', `found duplicate series for the match group on the ${side} hand-side of the operation; ${MANY_TO_MANY}`)}`;
  const [lv, rv] = right ? ['o.val', 'n.val'] : ['n.val', 'o.val'];
  const { val, keep } = valueAndKeep(b.op, lv, rv, b.bool);
  const labels = resultLabels(b, 'n.ls', 'o.ls', p);
  const dup =
    m.card === 'one-to-one'
      ? {
          by: 'n.i, n.sg',
          message:
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
        }
      : {
          by: `n.i, n.sg, ${labelsHashSql(labels)}`,
          message: 'multiple matches for labels: grouping labels must ensure unique matches',
        };
  const sql = `SELECT ls, i, val FROM (
      SELECT ${labels} AS ls, n.i AS i, ${val} AS val, ${keep} AS keep,
        count() OVER (PARTITION BY ${dup.by}) AS matches
      FROM (SELECT ls, i, val, ${sig('ls')} AS sg FROM (${many.sql})) AS n
      INNER JOIN (${oneRows}) AS o ON n.i = o.i AND n.sg = o.sg)
    WHERE ${throwIfSql('matches > 1', dup.message)} AND keep`;
  return { type: 'vector', sql };
}

/** `lhs op rhs` for the arithmetic and comparison operators; undefined for others. */
export function arithmeticOrComparison(
  b: Binary,
  ctx: CompileContext,
  compileArg: (e: Binary['lhs'], ctx: CompileContext) => Compiled,
): Compiled | undefined {
  if (!isArithmetic(b.op) && !isComparison(b.op)) return undefined;
  const l = compileArg(b.lhs, ctx);
  const r = compileArg(b.rhs, ctx);
  if (l.type === 'scalar' && r.type === 'scalar') return scalarScalar(b, l, r, ctx.p);
  if (l.type === 'vector' && r.type === 'scalar') return vectorScalar(b, l, r, false, ctx.p);
  if (l.type === 'scalar' && r.type === 'vector') return vectorScalar(b, r, l, true, ctx.p);
  return vectorVector(b, l, r, ctx.p);
}
