import type { AtModifier, Binary, Expr, LabelMatcher, VectorSelector } from './ast.ts';

/**
 * An expression written back as Prometheus 2.42 writes it (its /api/v1/format_query): the
 * canonical one-line form (`sum by (job) (x)`, matchers sorted, durations as `1h30m`, numbers as Go
 * prints float64), split over indented lines, two spaces a level, wherever a node's one-line form
 * is longer than 100 characters.
 */

const MAX_LINE = 100;
const indent = (level: number) => '  '.repeat(level);

/** A float64 as Go's fmt.Sprint prints it: shortest digits, exponent below 1e-4 and from 1e6. */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [digits, expText] = v.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${digits}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  return String(v);
}

/** A string as Go's %q quotes it: printable characters kept, the rest escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Milliseconds as Prometheus's model.Duration prints them: `1w2d`, `1h30m`, `1m30s500ms`, `0s`. */
export function promDuration(ms: number): string {
  if (ms === 0) return '0s';
  const units: [string, number][] = [
    ['y', 365 * 86_400_000],
    ['w', 7 * 86_400_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  let rest = ms;
  let out = '';
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${name}`;
      rest -= n * size;
    }
  }
  return out;
}

const offsetText = (ms: number) =>
  ms > 0 ? ` offset ${promDuration(ms)}` : ms < 0 ? ` offset -${promDuration(-ms)}` : '';
const atText = (at: AtModifier) =>
  at === undefined
    ? ''
    : at === 'start'
      ? ' @ start()'
      : at === 'end'
        ? ' @ end()'
        : ` @ ${(at / 1000).toFixed(3)}`;
const matcherText = (m: LabelMatcher) => `${m.name}${m.op}${goQuote(m.value)}`;

function selectorText(sel: VectorSelector, range = ''): string {
  const name = sel.name ?? '';
  const labels = sel.matchers
    .filter((m) => !(m.name === '__name__' && m.op === '=' && m.value === name && name !== ''))
    .map(matcherText)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const body = labels.length === 0 ? name : `${name}{${labels.join(',')}}`;
  return `${body}${range}${atText(sel.at)}${offsetText(sel.offsetMs)}`;
}

function matchingText(b: Binary): string {
  const m = b.matching;
  if (m.on === undefined && (m.ignoring === undefined || m.ignoring.length === 0)) return '';
  const names = (m.on ?? m.ignoring ?? []).join(', ');
  let out = ` ${m.on !== undefined ? 'on' : 'ignoring'} (${names})`;
  const setOp = b.op === 'and' || b.op === 'or' || b.op === 'unless';
  if (!setOp && (m.card === 'many-to-one' || m.card === 'one-to-many'))
    out += ` group_${m.card === 'many-to-one' ? 'left' : 'right'} (${m.include.join(', ')})`;
  return out;
}

const aggregateHead = (e: Extract<Expr, { kind: 'Aggregate' }>) =>
  e.without !== undefined
    ? `${e.op} without (${e.without.join(', ')}) `
    : e.by !== undefined && e.by.length > 0
      ? `${e.op} by (${e.by.join(', ')}) `
      : e.op;

const subquerySuffix = (e: Extract<Expr, { kind: 'SubqueryExpr' }>) =>
  `[${promDuration(e.rangeMs)}:${e.stepMs !== undefined && e.stepMs !== 0 ? promDuration(e.stepMs) : ''}]${atText(e.at)}${offsetText(e.offsetMs)}`;

/** The one-line form. */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'NumberLiteral':
      return goFloat(e.value);
    case 'StringLiteral':
      return goQuote(e.value);
    case 'VectorSelector':
      return selectorText(e);
    case 'MatrixSelector':
      return selectorText(e.vector, `[${promDuration(e.rangeMs)}]`);
    case 'SubqueryExpr':
      return `${exprText(e.expr)}${subquerySuffix(e)}`;
    case 'Paren':
      return `(${exprText(e.expr)})`;
    case 'Unary':
      return `${e.op}${exprText(e.expr)}`;
    case 'Call':
      return `${e.fn}(${e.args.map(exprText).join(', ')})`;
    case 'Aggregate':
      return `${aggregateHead(e)}(${e.param ? `${exprText(e.param)}, ` : ''}${exprText(e.expr)})`;
    case 'Binary':
      return `${exprText(e.lhs)} ${e.op}${e.bool ? ' bool' : ''}${matchingText(e)} ${exprText(e.rhs)}`;
  }
}

/** The prettified form, starting at indentation `level`. */
export function prettyText(e: Expr, level = 0): string {
  const one = exprText(e);
  const pad = indent(level);
  // As Prometheus does, a subquery that fits on its line is not indented.
  if (one.length <= MAX_LINE) return e.kind === 'SubqueryExpr' ? one : `${pad}${one}`;
  switch (e.kind) {
    case 'Aggregate': {
      const param = e.param ? `${prettyText(e.param, level + 1)},\n` : '';
      return `${pad}${aggregateHead(e)}(\n${param}${prettyText(e.expr, level + 1)}\n${pad})`;
    }
    case 'Binary':
      return `${prettyText(e.lhs, level + 1)}\n${pad}${e.op}${e.bool ? ' bool' : ''}${matchingText(e)}\n${prettyText(e.rhs, level + 1)}`;
    case 'Call':
      return `${pad}${e.fn}(\n${e.args.map((a) => prettyText(a, level + 1)).join(',\n')}\n${pad})`;
    case 'Paren':
      return `${pad}(\n${prettyText(e.expr, level + 1)}\n${pad})`;
    case 'SubqueryExpr':
      return `${prettyText(e.expr, level)}${subquerySuffix(e)}`;
    case 'Unary':
      return `${pad}${e.op}${prettyText(e.expr, level).trim()}`;
    default:
      return `${pad}${one}`;
  }
}
