import { parser } from '@prometheus-io/lezer-promql';
import type {
  AggregateOp,
  AtModifier,
  BinaryOp,
  Expr,
  LabelMatcher,
  MatchOp,
  VectorMatching,
  VectorSelector,
} from './ast.ts';
import { badData } from './errors.ts';
import { FUNCTIONS } from './functions.ts';
import { parseDuration, parseNumber, unquote } from './literals.ts';
import { COMPARISONS, SET_OPS, typeOf } from './type-check.ts';

type Node = ReturnType<typeof parser.parse>['topNode'];

/** The syntax tree's own node names for the operators. */
const BINARY_OPS: Record<string, BinaryOp> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
  Atan2: 'atan2',
  Eql: '==',
  EqlC: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};
const MATCH_OPS: Record<string, MatchOp> = {
  EqlSingle: '=',
  Neq: '!=',
  EqlRegex: '=~',
  NeqRegex: '!~',
};

/** Builds the expression tree of one PromQL query, or throws bad_data naming what is wrong. */
export function parsePromQL(text: string): Expr {
  if (text.trim() === '') throw badData('parse error: no expression found in input');
  const tree = parser.parse(text);
  tree.iterate({
    enter: (n) => {
      if (!n.type.isError) return;
      throw syntaxError(text, n.node);
    },
  });
  const top = tree.topNode.firstChild;
  if (top === null) throw badData('parse error: no expression found in input');
  const expr = new Builder(text).expr(top);
  typeOf(expr);
  return expr;
}

function syntaxError(text: string, n: Node): Error {
  const prev = n.prevSibling;
  // An unknown function parses as a name followed by a stray '('.
  if (prev?.name === 'Identifier' && text.slice(n.from, n.from + 1) === '(') {
    return badData(
      `parse error at char ${prev.from + 1}: unknown function with name "${text.slice(prev.from, prev.to)}"`,
    );
  }
  const got = text.slice(n.from, n.to);
  const what = got === '' ? 'unexpected end of input' : `unexpected "${got}"`;
  return badData(`parse error at char ${n.from + 1}: ${what}`);
}

const children = (n: Node): Node[] => {
  const out: Node[] = [];
  for (let c = n.firstChild; c !== null; c = c.nextSibling) out.push(c);
  return out;
};

class Builder {
  constructor(private readonly text: string) {}

  private src(n: Node): string {
    return this.text.slice(n.from, n.to);
  }

  private unsupported(n: Node, what: string): Error {
    return badData(`${what} at char ${n.from + 1} ("${this.src(n)}") is not supported`);
  }

  expr(n: Node): Expr {
    const c = children(n);
    switch (n.name) {
      case 'NumberDurationLiteral':
        return { kind: 'NumberLiteral', value: parseNumber(this.src(n)) };
      case 'StringLiteral':
        return { kind: 'StringLiteral', value: this.string(n) };
      case 'VectorSelector':
        return this.selector(n);
      case 'MatrixSelector':
        return {
          kind: 'MatrixSelector',
          vector: this.vectorOf(c[0]!, 'range selector'),
          rangeMs: this.duration(c[1]!),
        };
      case 'SubqueryExpr':
        return {
          kind: 'SubqueryExpr',
          expr: this.expr(c[0]!),
          rangeMs: this.duration(c[1]!),
          stepMs: c[2] === undefined ? undefined : this.duration(c[2]),
          offsetMs: 0,
          at: undefined,
        };
      case 'OffsetExpr':
        return this.modify(c[0]!, { offsetMs: this.offset(c[2]!) });
      case 'StepInvariantExpr':
        return this.modify(c[0]!, { at: this.at(c[2]!) });
      case 'ParenExpr':
        return { kind: 'Paren', expr: this.expr(c[0]!) };
      case 'UnaryExpr': {
        const op = this.src(c[0]!) as '-' | '+';
        return { kind: 'Unary', op, expr: this.expr(c[1]!) };
      }
      case 'FunctionCall':
        return this.call(n, c);
      case 'AggregateExpr':
        return this.aggregate(n, c);
      case 'BinaryExpr':
        return this.binary(n, c);
      default:
        throw this.unsupported(n, n.name);
    }
  }

  private string(n: Node): string {
    return unquote(this.src(n), n.from + 1);
  }

  private duration(n: Node): number {
    if (n.name === 'DurationExpr' && n.firstChild !== null && n.firstChild.nextSibling === null) {
      return this.duration(n.firstChild);
    }
    if (n.name === 'NumberDurationLiteralInDurationContext' || n.name === 'NumberDurationLiteral') {
      return parseDuration(this.src(n), n.from + 1);
    }
    throw this.unsupported(n, 'duration expression');
  }

  private offset(n: Node): number {
    const c = children(n);
    if (c.length === 2 && c[0]!.name === 'UnaryOp') {
      const sign = this.src(c[0]!) === '-' ? -1 : 1;
      return sign * this.offset(c[1]!);
    }
    if (c.length === 1) return this.duration(c[0]!);
    throw this.unsupported(n, 'offset expression');
  }

  private at(n: Node): AtModifier {
    if (n.name === 'AtModifierPreprocessors') {
      const which = n.firstChild?.name;
      if (which === 'AtStart') return 'start';
      if (which === 'AtEnd') return 'end';
      throw this.unsupported(n, '@ modifier');
    }
    const seconds = parseNumber(this.src(n));
    if (!Number.isFinite(seconds))
      throw badData(`parse error at char ${n.from + 1}: @ timestamp must be finite`);
    return Math.round(seconds * 1000);
  }

  /**
   * Applies `offset` or `@` to the selector or subquery it follows. The grammar reads `a + b
   * offset 1m` as the offset of the whole binary expression; Prometheus's parser gives it to `b`.
   */
  private modify(n: Node, mod: { offsetMs?: number; at?: AtModifier }): Expr {
    return applyModifier(this.expr(n), mod, n.from + 1);
  }

  private vectorOf(n: Node, what: string): VectorSelector {
    const e = this.expr(n);
    if (e.kind !== 'VectorSelector') {
      throw badData(
        `parse error at char ${n.from + 1}: ${what} must be applied to a vector selector`,
      );
    }
    return e;
  }

  private selector(n: Node): VectorSelector {
    const matchers: LabelMatcher[] = [];
    let name: string | undefined;
    for (const c of children(n)) {
      if (c.name === 'Identifier') {
        name = this.src(c);
        matchers.push({ name: '__name__', op: '=', value: name });
      } else if (c.name === 'LabelMatchers') {
        for (const m of children(c)) matchers.push(this.matcher(m));
      }
    }
    const named = matchers.filter((m) => m.name === '__name__');
    if (name !== undefined && named.length > 1) {
      throw badData(
        `parse error at char ${n.from + 1}: metric name must not be set twice: "${this.src(n)}"`,
      );
    }
    if (!matchers.some((m) => !matchesEmpty(m))) {
      throw badData(
        `parse error at char ${n.from + 1}: vector selector must contain at least one non-empty matcher`,
      );
    }
    return { kind: 'VectorSelector', name, matchers, offsetMs: 0, at: undefined };
  }

  private matcher(n: Node): LabelMatcher {
    const c = children(n);
    if (n.name === 'QuotedLabelName') {
      return { name: '__name__', op: '=', value: this.string(c[0]!) };
    }
    const label =
      n.name === 'QuotedLabelMatcher' ? this.string(c[0]!.firstChild!) : this.src(c[0]!);
    const op = MATCH_OPS[c[1]!.firstChild!.name];
    if (op === undefined) throw this.unsupported(c[1]!, 'matcher');
    const value = this.string(c[2]!);
    if (op === '=~' || op === '!~') checkRegex(value, c[2]!.from + 1);
    return { name: label, op, value };
  }

  private labels(n: Node | undefined): string[] {
    if (n === undefined) return [];
    return children(n).map((l) =>
      l.name === 'QuotedLabelName' ? this.string(l.firstChild!) : this.src(l),
    );
  }

  private call(n: Node, c: Node[]): Expr {
    const fn = this.src(c[0]!);
    const args = children(c[1]!).map((a) => this.expr(a));
    if (!FUNCTIONS.has(fn))
      throw badData(`parse error at char ${n.from + 1}: unknown function with name "${fn}"`);
    return { kind: 'Call', fn, args };
  }

  private aggregate(n: Node, c: Node[]): Expr {
    const op = this.src(c[0]!) as AggregateOp;
    const mod = c.find((x) => x.name === 'AggregateModifier');
    const body = c.find((x) => x.name === 'FunctionCallBody');
    const args = body === undefined ? [] : children(body).map((a) => this.expr(a));
    const takesParam = [
      'topk',
      'bottomk',
      'quantile',
      'count_values',
      'limitk',
      'limit_ratio',
    ].includes(op);
    if (args.length !== (takesParam ? 2 : 1)) {
      throw badData(
        `parse error at char ${n.from + 1}: wrong number of arguments for aggregate expression provided, expected ${takesParam ? 2 : 1}, got ${args.length}`,
      );
    }
    const kind = mod?.firstChild?.name;
    const grouping = this.labels(mod?.getChild('GroupingLabels') ?? undefined);
    return {
      kind: 'Aggregate',
      op,
      by: kind === 'By' ? grouping : undefined,
      without: kind === 'Without' ? grouping : undefined,
      param: takesParam ? args[0] : undefined,
      expr: args[args.length - 1]!,
    };
  }

  private binary(n: Node, c: Node[]): Expr {
    const lhs = this.expr(c[0]!);
    const op = BINARY_OPS[c[1]!.name];
    if (op === undefined) throw this.unsupported(c[1]!, `operator "${this.src(c[1]!)}"`);
    let bool = false;
    let matching: VectorMatching = {
      card: SET_OPS.has(op) ? 'many-to-one' : 'one-to-one',
      include: [],
    };
    for (const x of c.slice(2, -1)) {
      if (x.name === 'BoolModifier') bool = true;
      else if (x.name === 'MatchingModifierClause') matching = this.matching(x, op);
      else throw this.unsupported(x, `modifier "${this.src(x)}"`);
    }
    if (SET_OPS.has(op)) matching = { ...matching, card: 'many-to-one' };
    const rhs = this.expr(c[c.length - 1]!);
    if (bool && !COMPARISONS.has(op)) {
      throw badData(
        `parse error at char ${n.from + 1}: bool modifier can only be used on comparison operators`,
      );
    }
    return { kind: 'Binary', op, lhs, rhs, bool, matching };
  }

  private matching(n: Node, op: BinaryOp): VectorMatching {
    const c = children(n);
    let on: string[] | undefined;
    let ignoring: string[] | undefined;
    let card: VectorMatching['card'] = 'one-to-one';
    let include: string[] = [];
    for (let i = 0; i < c.length; i++) {
      const x = c[i]!;
      const next = c[i + 1]?.name === 'GroupingLabels' ? c[i + 1] : undefined;
      if (x.name === 'On') on = this.labels(next);
      else if (x.name === 'Ignoring') ignoring = this.labels(next);
      else if (x.name === 'GroupLeft' || x.name === 'GroupRight') {
        if (SET_OPS.has(op)) {
          throw badData(
            `parse error at char ${x.from + 1}: no grouping allowed for "${op}" operation`,
          );
        }
        card = x.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many';
        include = this.labels(next);
      } else if (x.name !== 'GroupingLabels')
        throw this.unsupported(x, `modifier "${this.src(x)}"`);
    }
    return { on, ignoring, card, include };
  }
}

function applyModifier(inner: Expr, mod: { offsetMs?: number; at?: AtModifier }, at: number): Expr {
  if (inner.kind === 'Binary') return { ...inner, rhs: applyModifier(inner.rhs, mod, at) };
  const target = inner.kind === 'MatrixSelector' ? inner.vector : inner;
  if (target.kind !== 'VectorSelector' && target.kind !== 'SubqueryExpr') {
    throw badData(`parse error at char ${at}: offset and @ apply to selectors and subqueries only`);
  }
  if (mod.offsetMs !== undefined && target.offsetMs !== 0) {
    throw badData(`parse error at char ${at}: offset may not be set multiple times`);
  }
  if (mod.at !== undefined && target.at !== undefined) {
    throw badData(`parse error at char ${at}: @ <timestamp> may not be set multiple times`);
  }
  const changed = { ...target, ...mod };
  return inner.kind === 'MatrixSelector'
    ? { ...inner, vector: changed as VectorSelector }
    : changed;
}

function matchesEmpty(m: LabelMatcher): boolean {
  if (m.op === '=') return m.value === '';
  if (m.op === '!=') return m.value !== '';
  const re = new RegExp(`^(?:${m.value})$`);
  return m.op === '=~' ? re.test('') : !re.test('');
}

function checkRegex(value: string, at: number): void {
  try {
    new RegExp(value);
  } catch {
    throw badData(`parse error at char ${at}: invalid regular expression ${JSON.stringify(value)}`);
  }
}
