import { describe, expect, it } from 'vitest';
import { SearchSyntaxError } from './errors.ts';
import { scanToken, type ScanMode, type Token } from './lexer.ts';

/** Every token of `input` scanned in one mode (the parser switches modes; this isolates one). */
function tokens(input: string, mode: ScanMode): Token[] {
  const out: Token[] = [];
  let pos = 0;
  for (;;) {
    const token = scanToken(input, pos, mode);
    out.push(token);
    if (token.type === 'eof' || token.type === 'space') return out;
    pos = token.end;
  }
}

function scanError(input: string, pos: number): SearchSyntaxError {
  try {
    scanToken(input, pos, 'clause');
  } catch (error) {
    if (error instanceof SearchSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected '${input}' to be rejected`);
}

const types = (input: string, mode: ScanMode): string[] => tokens(input, mode).map((t) => t.type);

describe('scanToken in clause mode', () => {
  it('splits terms, phrases, parentheses, colons and prefixes', () => {
    expect(types('a (b) "c d" e:f -g +h', 'clause')).toEqual([
      'term',
      'lparen',
      'term',
      'rparen',
      'phrase',
      'term',
      'colon',
      'term',
      'minus',
      'term',
      'plus',
      'term',
      'eof',
    ]);
  });

  it('reports offsets of each token', () => {
    const [a, b] = tokens('  foo   "bar"', 'clause');
    expect(a).toMatchObject({ type: 'term', start: 2, end: 5, parts: ['foo'] });
    expect(b).toMatchObject({ type: 'phrase', start: 8, end: 13, value: 'bar' });
  });

  it('recognises upper-case keywords only, and not when used as a field name', () => {
    expect(types('a AND b OR NOT c', 'clause')).toEqual([
      'term',
      'and',
      'term',
      'or',
      'not',
      'term',
      'eof',
    ]);
    expect(types('and or not', 'clause')).toEqual(['term', 'term', 'term', 'eof']);
    expect(scanToken('AND:x', 0, 'clause').type).toBe('term');
    expect(scanToken('\\AND', 0, 'clause')).toMatchObject({ type: 'term', parts: ['AND'] });
  });

  it('keeps a dash inside a term and only treats a leading one as negation', () => {
    expect(tokens('foo-bar', 'clause')[0]).toMatchObject({ type: 'term', parts: ['foo-bar'] });
    expect(types('-foo', 'clause')).toEqual(['minus', 'term', 'eof']);
  });

  it('splits terms on unescaped stars and collapses runs of them', () => {
    expect(scanToken('pay*ment', 0, 'clause')).toMatchObject({ parts: ['pay', 'ment'] });
    expect(scanToken('*a**b*', 0, 'clause')).toMatchObject({ parts: ['', 'a', 'b', ''] });
    expect(scanToken('a\\*b', 0, 'clause')).toMatchObject({ parts: ['a*b'] });
    expect(scanToken('*', 0, 'clause')).toMatchObject({ parts: ['', ''] });
  });

  it('applies backslash escapes to any character, including spaces and stops', () => {
    expect(scanToken('a\\ b\\:c\\(d\\)\\"\\\\', 0, 'clause')).toMatchObject({
      parts: ['a b:c(d)"\\'],
      end: 16,
    });
    expect(scanToken('"say \\"hi\\" \\\\ \\n"', 0, 'clause')).toMatchObject({
      type: 'phrase',
      value: 'say "hi" \\ n',
    });
  });

  it('keeps astral characters whole, escaped or not', () => {
    expect(scanToken('😀*é', 0, 'clause')).toMatchObject({ parts: ['😀', 'é'] });
    expect(scanToken('\\😀x', 0, 'clause')).toMatchObject({ parts: ['😀x'], end: 4 });
  });

  it('treats unicode whitespace as a separator', () => {
    expect(types('a\u00a0b\u3000c\td\ne', 'clause')).toEqual([
      'term',
      'term',
      'term',
      'term',
      'term',
      'eof',
    ]);
  });

  it('throws a positioned syntax error for a trailing backslash or an open quote', () => {
    expect(scanError('abc\\', 0)).toMatchObject({ code: 'SL_ERR_SEARCH_SYNTAX', position: 3 });
    expect(scanError('x "abc\\"', 2)).toMatchObject({ position: 2 });
    const open = scanError('x "abc', 2);
    expect(open.position).toBe(2);
    expect(open.expected).toContain('closing');
  });
});

describe('scanToken in value modes', () => {
  it('reads comparison operators and range brackets right after a colon', () => {
    expect(scanToken('>=5', 0, 'value')).toMatchObject({ type: 'compare', op: '>=', end: 2 });
    expect(scanToken('>5', 0, 'value')).toMatchObject({ type: 'compare', op: '>', end: 1 });
    expect(scanToken('<=5', 0, 'value')).toMatchObject({ type: 'compare', op: '<=' });
    expect(scanToken('<5', 0, 'value')).toMatchObject({ type: 'compare', op: '<' });
    expect(scanToken('[1', 0, 'value')).toMatchObject({ type: 'range-open', inclusive: true });
    expect(scanToken('{1', 0, 'value')).toMatchObject({ type: 'range-open', inclusive: false });
  });

  it('does not skip whitespace, so a value must touch its colon', () => {
    expect(scanToken(' x', 0, 'value').type).toBe('space');
    expect(scanToken('', 0, 'value').type).toBe('eof');
  });

  it('keeps colons and leading dashes inside values', () => {
    expect(scanToken('http://h:80/x y', 0, 'value')).toMatchObject({ parts: ['http://h:80/x'] });
    expect(scanToken('-5', 0, 'value')).toMatchObject({ type: 'term', parts: ['-5'] });
  });

  it('reads TO and closing brackets inside ranges, and ends bounds at a bracket', () => {
    expect(types('1 TO 5]', 'range')).toEqual(['term', 'to', 'term', 'range-close', 'eof']);
    expect(tokens('* TO "x y"}', 'range').map((t) => t.type)).toEqual([
      'term',
      'to',
      'phrase',
      'range-close',
      'eof',
    ]);
    expect(scanToken('to', 0, 'range').type).toBe('term');
  });

  it('treats comparison characters as text in clause mode', () => {
    expect(scanToken('a>b', 0, 'clause')).toMatchObject({ type: 'term', parts: ['a>b'] });
    expect(scanToken('>b', 0, 'clause')).toMatchObject({ type: 'term', parts: ['>b'] });
  });
});
