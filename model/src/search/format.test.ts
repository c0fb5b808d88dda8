import { describe, expect, it } from 'vitest';
import type { SearchNode } from './ast.ts';
import { formatLiteral, formatSearch } from './format.ts';
import { parseSearch } from './parse.ts';

const canonical = (input: string): string => formatSearch(parseSearch(input));

describe('formatSearch', () => {
  it('formats an empty query as an empty string', () => {
    expect(formatSearch(null)).toBe('');
  });

  it('writes explicit operators and only the parentheses precedence needs', () => {
    expect(canonical('a b')).toBe('a AND b');
    expect(canonical('a OR b AND c')).toBe('a OR b AND c');
    expect(canonical('(a OR b) c')).toBe('(a OR b) AND c');
    expect(canonical('((a))')).toBe('a');
    expect(canonical('-a +b')).toBe('NOT a AND b');
    expect(canonical('NOT (a b)')).toBe('NOT (a AND b)');
    expect(canonical('NOT NOT a')).toBe('NOT NOT a');
  });

  it('expands field groups into one clause per value', () => {
    expect(canonical('service:(checkout OR cart)')).toBe('service:checkout OR service:cart');
  });

  it('writes comparisons, ranges and existence tests', () => {
    expect(canonical('duration:>=1.5s')).toBe('duration:>=1.5s');
    expect(canonical('x:{1 TO 5]')).toBe('x:{1 TO 5]');
    expect(canonical('x:{* TO *}')).toBe('x:[* TO *]');
    expect(canonical('x:["*" TO "a b"}')).toBe('x:["*" TO "a b"}');
    expect(canonical('x:*')).toBe('exists:x');
    expect(canonical('exists:"a b"')).toBe('exists:"a b"');
  });

  it('quotes values only when they would not read back as the same literal', () => {
    expect(canonical('k:v1.2_3@x/y')).toBe('k:v1.2_3@x/y');
    expect(canonical('"a b"')).toBe('"a b"');
    expect(canonical('"AND"')).toBe('"AND"');
    expect(canonical('"-x"')).toBe('"-x"');
    expect(canonical('k:"a:b"')).toBe('k:"a:b"');
    expect(canonical('k:">5"')).toBe('k:">5"');
    expect(canonical('k:"[x"')).toBe('k:"[x"');
    expect(canonical('""')).toBe('""');
    expect(canonical('"\\"\\\\"')).toBe('"\\"\\\\"');
    expect(canonical('Ёжик')).toBe('Ёжик');
  });

  it('escapes special characters inside wildcards instead of quoting them', () => {
    expect(canonical('a\\ b*')).toBe('a\\ b*');
    expect(canonical('*\\"x\\**')).toBe('*\\"x\\**');
    expect(canonical('\\-a*')).toBe('\\-a*');
  });

  it('quotes a field literally named exists so it is not read as an existence test', () => {
    expect(canonical('"exists":yes')).toBe('"exists":yes');
  });

  it('keeps deliberate grouping in hand-built ASTs', () => {
    const a: SearchNode = { type: 'term', field: null, value: 'a' };
    const nested: SearchNode = { type: 'and', children: [a, { type: 'and', children: [a, a] }] };
    expect(formatSearch(nested)).toBe('a AND (a AND a)');
  });
});

describe('formatLiteral', () => {
  it('round-trips through the parser for awkward strings', () => {
    for (const value of ['a b', 'x"y', 'back\\slash', 'TO', 'OR', '(', '*', '-1', 'tab\there']) {
      expect(parseSearch(formatLiteral(value))).toEqual({ type: 'term', field: null, value });
    }
  });
});
