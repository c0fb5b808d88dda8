import type { SearchCompareOp } from './ast.ts';
import { SearchSyntaxError } from './errors.ts';

/**
 * The grammar is context-sensitive (`-` negates at the start of a clause but is part of the value
 * in `temp:-5`; `:` separates a field but is text inside `url:http://x`), so the parser asks for
 * one token at a time and says which context it is in:
 *
 * - `clause`: start of a clause. Skips whitespace; `( ) " : - +` and `AND OR NOT` are special.
 * - `group`: start of a clause inside `field:( … )`: like `clause`, plus comparisons and ranges,
 *   and `:` is ordinary text.
 * - `value`: right after `field:`. Whitespace is NOT skipped (a value must touch its colon);
 *   comparisons, ranges, `(`, phrases and terms.
 * - `compare`: right after `>`/`>=`/`<`/`<=`; a phrase or a term, no whitespace skipped.
 * - `range`: inside `[ … ]`; skips whitespace; `TO`, `]`, `}`, phrases and terms.
 */
export type ScanMode = 'clause' | 'group' | 'value' | 'compare' | 'range';

interface Span {
  start: number;
  end: number;
}

export type Token =
  | (Span & {
      type:
        | 'eof'
        | 'space'
        | 'lparen'
        | 'rparen'
        | 'colon'
        | 'minus'
        | 'plus'
        | 'and'
        | 'or'
        | 'not'
        | 'to';
    })
  /** `parts.length === 1`: a literal; more: the literal pieces around unescaped `*`. */
  | (Span & { type: 'term'; parts: string[] })
  | (Span & { type: 'phrase'; value: string })
  | (Span & { type: 'compare'; op: SearchCompareOp })
  | (Span & { type: 'range-open' | 'range-close'; inclusive: boolean });

const KEYWORDS: Readonly<Record<string, 'and' | 'or' | 'not'>> = {
  AND: 'and',
  OR: 'or',
  NOT: 'not',
};

export function isSpace(ch: string): boolean {
  return /\s/u.test(ch);
}

/** Characters that end an unquoted term in each mode (whitespace always does). */
function isStop(ch: string, mode: ScanMode): boolean {
  if (ch === '(' || ch === ')' || ch === '"') return true;
  if (mode === 'clause') return ch === ':';
  if (mode === 'range') return ch === ']' || ch === '}';
  return false;
}

/** The full code point at `pos` (terms may hold astral characters such as emoji). */
function charAt(input: string, pos: number): string {
  const cp = input.codePointAt(pos);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** A short, quoted excerpt of a token for error messages. */
export function describeToken(input: string, token: Token): string {
  if (token.type === 'eof') return 'end of query';
  if (token.type === 'space') return 'whitespace';
  const text = input.slice(token.start, token.end);
  return `'${text.length > 24 ? `${text.slice(0, 24)}…` : text}'`;
}

function scanPhrase(input: string, start: number): Token {
  let value = '';
  let pos = start + 1;
  while (pos < input.length) {
    const ch = charAt(input, pos);
    if (ch === '"') return { type: 'phrase', start, end: pos + 1, value };
    if (ch === '\\') {
      const escaped = charAt(input, pos + 1);
      if (escaped === '') break;
      value += escaped;
      pos += 1 + escaped.length;
    } else {
      value += ch;
      pos += ch.length;
    }
  }
  // Point at the opening quote: that is the one the user has to close.
  throw new SearchSyntaxError(start, `a closing '"' for the quote opened here`, 'end of query');
}

function scanTerm(input: string, start: number, mode: ScanMode): Token {
  const parts: string[] = [];
  let current = '';
  let lastWasStar = false;
  let pos = start;
  while (pos < input.length) {
    const ch = charAt(input, pos);
    if (isSpace(ch) || isStop(ch, mode)) break;
    if (ch === '\\') {
      const escaped = charAt(input, pos + 1);
      if (escaped === '') {
        throw new SearchSyntaxError(pos, `a character after '\\'`, 'end of query');
      }
      current += escaped;
      lastWasStar = false;
      pos += 1 + escaped.length;
      continue;
    }
    if (ch === '*') {
      // `a**b` means the same as `a*b`; collapsing keeps the AST canonical.
      if (!lastWasStar) {
        parts.push(current);
        current = '';
      }
      lastWasStar = true;
    } else {
      current += ch;
      lastWasStar = false;
    }
    pos += ch.length;
  }
  parts.push(current);
  return { type: 'term', start, end: pos, parts };
}

function scanCompare(input: string, pos: number): Token | null {
  const ch = input[pos];
  if (ch !== '>' && ch !== '<') return null;
  if (input[pos + 1] === '=') {
    return { type: 'compare', start: pos, end: pos + 2, op: ch === '>' ? '>=' : '<=' };
  }
  return { type: 'compare', start: pos, end: pos + 1, op: ch };
}

/** Scans the token that starts at (or, in skipping modes, after whitespace from) `pos`. */
export function scanToken(input: string, pos: number, mode: ScanMode): Token {
  const skipsSpace = mode === 'clause' || mode === 'group' || mode === 'range';
  let start = pos;
  if (skipsSpace) {
    while (start < input.length && isSpace(input[start] ?? '')) start++;
  }
  if (start >= input.length) return { type: 'eof', start, end: start };
  const ch = input[start] ?? '';
  if (isSpace(ch)) return { type: 'space', start, end: start + 1 };
  if (ch === '"') return scanPhrase(input, start);
  if (ch === '(') return { type: 'lparen', start, end: start + 1 };
  if (ch === ')') return { type: 'rparen', start, end: start + 1 };

  if (mode === 'clause' || mode === 'group') {
    if (ch === '-') return { type: 'minus', start, end: start + 1 };
    if (ch === '+') return { type: 'plus', start, end: start + 1 };
    if (ch === ':' && mode === 'clause') return { type: 'colon', start, end: start + 1 };
  }
  if (mode === 'group' || mode === 'value') {
    const compare = scanCompare(input, start);
    if (compare) return compare;
    if (ch === '[' || ch === '{') {
      return { type: 'range-open', start, end: start + 1, inclusive: ch === '[' };
    }
  }
  if (mode === 'range' && (ch === ']' || ch === '}')) {
    return { type: 'range-close', start, end: start + 1, inclusive: ch === ']' };
  }

  const term = scanTerm(input, start, mode);
  const raw = input.slice(term.start, term.end);
  if (mode === 'range' && raw === 'TO') return { type: 'to', start, end: term.end };
  if (mode === 'clause' || mode === 'group') {
    const keyword = KEYWORDS[raw];
    // `AND:x` is a field called AND, not an operator.
    if (keyword && input[term.end] !== ':') return { type: keyword, start, end: term.end };
  }
  return term;
}
