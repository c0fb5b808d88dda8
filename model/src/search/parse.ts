import type { SearchNode, SearchRangeBound } from './ast.ts';
import { SearchSyntaxError } from './errors.ts';
import { describeToken, scanToken, type ScanMode, type Token } from './lexer.ts';
import { SEARCH_MAX_CLAUSES, SEARCH_MAX_DEPTH, SEARCH_MAX_LENGTH } from './limits.ts';

/**
 * Grammar (precedence NOT > AND > OR; adjacent clauses are ANDed):
 *
 *   query   = or EOF
 *   or      = and ("OR" and)*
 *   and     = unary (["AND"] unary)*
 *   unary   = ("NOT" | "-") unary | "+" unary | primary
 *   primary = "(" or ")" | field ":" value | "exists:" name | term | phrase
 *   value   = ("<" | "<=" | ">" | ">=") (term | phrase)
 *           | ("[" | "{") bound "TO" bound ("]" | "}")
 *           | "(" or ")"            -- field group: `service:(a OR b)` applies the field to each value
 *           | term | phrase
 *
 * Clauses inside a field group are values of that field, so the AST never holds a group node.
 */
export function parseSearch(input: string): SearchNode | null {
  if (input.length > SEARCH_MAX_LENGTH) {
    throw new SearchSyntaxError(
      SEARCH_MAX_LENGTH,
      `a query of at most ${SEARCH_MAX_LENGTH} characters`,
      `${input.length} characters`,
    );
  }
  const parser = new Parser(input);
  if (parser.peek('clause').type === 'eof') return null;
  const node = parser.parseOr(null, 0);
  const rest = parser.peek('clause');
  if (rest.type === 'rparen') {
    throw new SearchSyntaxError(rest.start, 'the end of the query', `')' without a matching '('`);
  }
  if (rest.type !== 'eof') parser.fail(rest, 'an operator, a search term or the end of the query');
  return node;
}

class Parser {
  private pos = 0;
  private clauses = 0;
  private cached: { pos: number; mode: ScanMode; token: Token } | null = null;

  constructor(private readonly input: string) {}

  peek(mode: ScanMode): Token {
    const cached = this.cached;
    if (cached && cached.pos === this.pos && cached.mode === mode) return cached.token;
    const token = scanToken(this.input, this.pos, mode);
    this.cached = { pos: this.pos, mode, token };
    return token;
  }

  private next(mode: ScanMode): Token {
    const token = this.peek(mode);
    this.pos = token.end;
    return token;
  }

  fail(token: Token, expected: string): never {
    throw new SearchSyntaxError(token.start, expected, describeToken(this.input, token));
  }

  /** `field` is set inside `field:( … )`, where bare values belong to that field. */
  parseOr(field: string | null, depth: number): SearchNode {
    const mode = field === null ? 'clause' : 'group';
    const children = [this.parseAnd(field, depth)];
    while (this.peek(mode).type === 'or') {
      this.next(mode);
      children.push(this.parseAnd(field, depth));
    }
    return flatten('or', children);
  }

  private parseAnd(field: string | null, depth: number): SearchNode {
    const mode = field === null ? 'clause' : 'group';
    const children = [this.parseUnary(field, depth)];
    for (;;) {
      const token = this.peek(mode);
      if (token.type === 'and') {
        this.next(mode);
        children.push(this.parseUnary(field, depth));
      } else if (startsClause(token)) {
        children.push(this.parseUnary(field, depth));
      } else {
        return flatten('and', children);
      }
    }
  }

  private parseUnary(field: string | null, depth: number): SearchNode {
    const mode = field === null ? 'clause' : 'group';
    const token = this.peek(mode);
    if (token.type === 'not' || token.type === 'minus' || token.type === 'plus') {
      this.enter(token, depth);
      this.next(mode);
      const operand = this.peek(mode);
      if (!startsClause(operand)) {
        const what = token.type === 'not' ? 'NOT' : token.type === 'minus' ? '-' : '+';
        this.fail(operand, `a search term after '${what}'`);
      }
      const child = this.parseUnary(field, depth + 1);
      // `+` (required) is what every clause already is under implicit AND.
      return token.type === 'plus' ? child : { type: 'not', child };
    }
    return this.parsePrimary(field, depth);
  }

  private parsePrimary(field: string | null, depth: number): SearchNode {
    const mode = field === null ? 'clause' : 'group';
    const token = this.next(mode);
    if (token.type === 'lparen') return this.parseGroup(token, field, depth);
    if (field !== null) return this.parseValue(token, field, depth);
    if (token.type !== 'term' && token.type !== 'phrase') this.fail(token, 'a search term');

    this.countClause(token);
    if (this.input[token.end] === ':') {
      const name = fieldName(token, this);
      this.pos = token.end + 1;
      if (token.type === 'term' && name === 'exists') return this.parseExists();
      return this.parseValue(this.next('value'), name, depth, true);
    }
    if (token.type === 'phrase') return { type: 'term', field: null, value: token.value };
    return valueNode(null, token.parts);
  }

  private parseGroup(open: Token, field: string | null, depth: number): SearchNode {
    this.enter(open, depth);
    const inner = this.peek(field === null ? 'clause' : 'group');
    if (inner.type === 'rparen') this.fail(inner, 'a search term inside the parentheses');
    const node = this.parseOr(field, depth + 1);
    const close = this.next(field === null ? 'clause' : 'group');
    if (close.type !== 'rparen') {
      this.fail(close, `')' to close the '(' at position ${open.start}`);
    }
    return node;
  }

  /** `token` was just read in `value` mode (after a colon) or `group` mode (inside a group). */
  private parseValue(token: Token, field: string, depth: number, afterColon = false): SearchNode {
    if (!afterColon) this.countClause(token);
    switch (token.type) {
      case 'term':
        return valueNode(field, token.parts);
      case 'phrase':
        return { type: 'term', field, value: token.value };
      case 'compare': {
        const value = this.next('compare');
        const literal = this.literal(value, `a value after '${token.op}'`);
        return { type: 'compare', field, op: token.op, value: literal };
      }
      case 'range-open':
        return this.parseRange(token.inclusive, field);
      case 'lparen':
        if (afterColon) return this.parseGroup(token, field, depth);
        break;
      default:
        break;
    }
    return this.fail(token, afterColon ? `a value after ':'` : `a value for '${field}'`);
  }

  private parseRange(lowerInclusive: boolean, field: string): SearchNode {
    const lower = this.rangeBound(lowerInclusive, 'the start of the range');
    const to = this.next('range');
    if (to.type !== 'to') this.fail(to, `'TO'`);
    const upperValue = this.rangeValue(this.next('range'), 'the end of the range');
    const close = this.next('range');
    if (close.type !== 'range-close') this.fail(close, `']' or '}' to close the range`);
    const upper: SearchRangeBound | null =
      upperValue === null ? null : { value: upperValue, inclusive: close.inclusive };
    return { type: 'range', field, lower, upper };
  }

  private rangeBound(inclusive: boolean, what: string): SearchRangeBound | null {
    const value = this.rangeValue(this.next('range'), what);
    return value === null ? null : { value, inclusive };
  }

  /** A bound's text, or `null` for the open end `*`. */
  private rangeValue(token: Token, what: string): string | null {
    if (token.type === 'term' && token.parts.length === 2 && token.parts.every((p) => p === '')) {
      return null;
    }
    return this.literal(token, what);
  }

  private parseExists(): SearchNode {
    const token = this.next('value');
    if (token.type === 'phrase')
      return { type: 'exists', field: nonEmptyName(token, token.value, this) };
    if (token.type === 'term' && token.parts.length === 1) {
      return { type: 'exists', field: nonEmptyName(token, token.parts[0] ?? '', this) };
    }
    return this.fail(token, `a field name after 'exists:'`);
  }

  /** A term without wildcards, or a phrase. */
  private literal(token: Token, expected: string): string {
    if (token.type === 'phrase') return token.value;
    if (token.type === 'term') {
      if (token.parts.length === 1) return token.parts[0] ?? '';
      this.fail(token, `${expected} without '*' (quote or escape a literal '*')`);
    }
    return this.fail(token, expected);
  }

  private enter(token: Token, depth: number): void {
    if (depth >= SEARCH_MAX_DEPTH) {
      this.fail(token, `at most ${SEARCH_MAX_DEPTH} levels of nesting (parentheses and NOT)`);
    }
  }

  private countClause(token: Token): void {
    this.clauses++;
    if (this.clauses > SEARCH_MAX_CLAUSES) {
      this.fail(token, `at most ${SEARCH_MAX_CLAUSES} search terms`);
    }
  }
}

function startsClause(token: Token): boolean {
  switch (token.type) {
    case 'term':
    case 'phrase':
    case 'lparen':
    case 'not':
    case 'minus':
    case 'plus':
    case 'compare':
    case 'range-open':
      return true;
    default:
      return false;
  }
}

function flatten(type: 'and' | 'or', children: SearchNode[]): SearchNode {
  if (children.length === 1 && children[0]) return children[0];
  const flat: SearchNode[] = [];
  for (const child of children) {
    if (child.type === type) flat.push(...child.children);
    else flat.push(child);
  }
  return { type, children: flat };
}

/** A term's pieces become a literal, a wildcard, or (`field:*`) an existence test. */
function valueNode(field: string | null, parts: string[]): SearchNode {
  if (parts.length === 1) return { type: 'term', field, value: parts[0] ?? '' };
  if (field !== null && parts.every((p) => p === '')) return { type: 'exists', field };
  return { type: 'wildcard', field, parts };
}

function fieldName(token: Token, parser: Parser): string {
  if (token.type === 'phrase') return nonEmptyName(token, token.value, parser);
  if (token.type === 'term' && token.parts.length === 1) {
    return nonEmptyName(token, token.parts[0] ?? '', parser);
  }
  return parser.fail(token, `a field name without '*'`);
}

function nonEmptyName(token: Token, name: string, parser: Parser): string {
  if (name === '') parser.fail(token, 'a non-empty field name');
  return name;
}
