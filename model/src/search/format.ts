import type { SearchNode, SearchRangeBound } from './ast.ts';

/**
 * AST → canonical query text: explicit `AND`/`OR`, parentheses only where precedence needs them,
 * values quoted only when they would not read back as the same literal. For any AST the parser
 * produces, `parseSearch(formatSearch(ast))` deep-equals `ast`, which is what lets the dashboard
 * edit a query as structure (chips) and write it back as text.
 */
export function formatSearch(node: SearchNode | null): string {
  return node === null ? '' : formatNode(node);
}

/** Binding strength: a child binding more loosely than its parent needs parentheses. */
const PRECEDENCE: Readonly<Record<SearchNode['type'], number>> = {
  or: 1,
  and: 2,
  not: 3,
  term: 4,
  wildcard: 4,
  compare: 4,
  range: 4,
  exists: 4,
};

function formatNode(node: SearchNode): string {
  switch (node.type) {
    case 'and':
    case 'or': {
      const glue = node.type === 'and' ? ' AND ' : ' OR ';
      // Same-type children are wrapped too: the parser would flatten them, so they only occur
      // in hand-built ASTs, where the grouping was deliberate.
      return node.children.map((c) => wrap(c, PRECEDENCE[node.type] + 1)).join(glue);
    }
    case 'not':
      return `NOT ${wrap(node.child, PRECEDENCE.not)}`;
    case 'term':
      return withField(node.field, formatLiteral(node.value));
    case 'wildcard':
      return withField(node.field, node.parts.map(escapeWildcardPart).join('*'));
    case 'compare':
      return withField(node.field, `${node.op}${formatLiteral(node.value)}`);
    case 'range':
      return withField(
        node.field,
        `${node.lower?.inclusive === false ? '{' : '['}${formatBound(node.lower)} TO ` +
          `${formatBound(node.upper)}${node.upper?.inclusive === false ? '}' : ']'}`,
      );
    case 'exists':
      return `exists:${formatLiteral(node.field)}`;
  }
}

function wrap(node: SearchNode, minPrecedence: number): string {
  const text = formatNode(node);
  return PRECEDENCE[node.type] < minPrecedence ? `(${text})` : text;
}

function withField(field: string | null, value: string): string {
  if (field === null) return value;
  // `exists:x` is the existence test, so a field literally named `exists` must be quoted.
  const name = field === 'exists' ? '"exists"' : formatLiteral(field);
  return `${name}:${value}`;
}

function formatBound(bound: SearchRangeBound | null): string {
  return bound === null ? '*' : formatLiteral(bound.value);
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'TO']);

/**
 * Characters that mean the same thing unquoted in every position the formatter writes a
 * literal (free text, field name, value, range bound). The first character is stricter: `-`/`+`
 * would negate/require, `<`/`>`/`[`/`{` would start a comparison or range after a colon.
 */
const BARE = /^[\p{L}\p{N}_.@/][\p{L}\p{N}\p{M}_.@/\-+%&,;!?=~^|'$#<>]*$/u;

export function formatLiteral(value: string): string {
  if (BARE.test(value) && !KEYWORDS.has(value)) return value;
  return `"${value.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}

/** Wildcard pieces cannot be quoted (quotes make `*` literal), so specials are escaped one by one. */
function escapeWildcardPart(part: string): string {
  let out = '';
  for (const ch of part) {
    out += /[\p{L}\p{N}\p{M}_.@/]/u.test(ch) ? ch : `\\${ch}`;
  }
  return out;
}
