import { describe, expect, it } from 'vitest';
import type { SearchNode } from './ast.ts';
import { SearchSyntaxError } from './errors.ts';
import { SEARCH_MAX_CLAUSES, SEARCH_MAX_DEPTH, SEARCH_MAX_LENGTH } from './limits.ts';
import { parseSearch } from './parse.ts';

const text = (value: string): SearchNode => ({ type: 'term', field: null, value });
const term = (field: string, value: string): SearchNode => ({ type: 'term', field, value });
const and = (...children: SearchNode[]): SearchNode => ({ type: 'and', children });
const or = (...children: SearchNode[]): SearchNode => ({ type: 'or', children });
const not = (child: SearchNode): SearchNode => ({ type: 'not', child });

function syntaxError(input: string): SearchSyntaxError {
  try {
    parseSearch(input);
  } catch (error) {
    if (error instanceof SearchSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected '${input}' to be rejected`);
}

describe('parseSearch: clauses', () => {
  it('returns null for an empty or blank query', () => {
    expect(parseSearch('')).toBeNull();
    expect(parseSearch(' \t\n ')).toBeNull();
  });

  it('parses free text terms and quoted phrases', () => {
    expect(parseSearch('timeout')).toEqual(text('timeout'));
    expect(parseSearch('"payment failed"')).toEqual(text('payment failed'));
    expect(parseSearch('""')).toEqual(text(''));
  });

  it('parses field:value and field:"quoted value"', () => {
    expect(parseSearch('service:checkout')).toEqual(term('service', 'checkout'));
    expect(parseSearch('http.route:"/api/v1/orders {id}"')).toEqual(
      term('http.route', '/api/v1/orders {id}'),
    );
    expect(parseSearch('"odd key":x')).toEqual(term('odd key', 'x'));
    expect(parseSearch('url:http://shop:8080/cart?x=1')).toEqual(
      term('url', 'http://shop:8080/cart?x=1'),
    );
    expect(parseSearch('temp:-5')).toEqual(term('temp', '-5'));
  });

  it('parses wildcards on free text and field values', () => {
    expect(parseSearch('pay*')).toEqual({ type: 'wildcard', field: null, parts: ['pay', ''] });
    expect(parseSearch('service:*out')).toEqual({
      type: 'wildcard',
      field: 'service',
      parts: ['', 'out'],
    });
    expect(parseSearch('name:GET*/api*')).toEqual({
      type: 'wildcard',
      field: 'name',
      parts: ['GET', '/api', ''],
    });
  });

  it('treats quoted or escaped stars as literal text', () => {
    expect(parseSearch('"a*b"')).toEqual(text('a*b'));
    expect(parseSearch('k:a\\*b')).toEqual(term('k', 'a*b'));
  });

  it('reads field:* and exists:field as existence tests', () => {
    expect(parseSearch('user.id:*')).toEqual({ type: 'exists', field: 'user.id' });
    expect(parseSearch('exists:user.id')).toEqual({ type: 'exists', field: 'user.id' });
    expect(parseSearch('exists:"odd key"')).toEqual({ type: 'exists', field: 'odd key' });
    expect(parseSearch('"exists":x')).toEqual(term('exists', 'x'));
  });

  it('parses comparisons', () => {
    expect(parseSearch('duration:>500ms')).toEqual({
      type: 'compare',
      field: 'duration',
      op: '>',
      value: '500ms',
    });
    for (const op of ['>', '>=', '<', '<='] as const) {
      expect(parseSearch(`n:${op}10`)).toEqual({ type: 'compare', field: 'n', op, value: '10' });
    }
    expect(parseSearch('v:>"a b"')).toMatchObject({ op: '>', value: 'a b' });
  });

  it('parses inclusive, exclusive, mixed and open ranges', () => {
    expect(parseSearch('http.status_code:[500 TO 599]')).toEqual({
      type: 'range',
      field: 'http.status_code',
      lower: { value: '500', inclusive: true },
      upper: { value: '599', inclusive: true },
    });
    expect(parseSearch('x:{1 TO 2}')).toMatchObject({
      lower: { inclusive: false },
      upper: { inclusive: false },
    });
    expect(parseSearch('x:[1 TO 2}')).toMatchObject({
      lower: { inclusive: true },
      upper: { inclusive: false },
    });
    expect(parseSearch('x:[* TO 2]')).toMatchObject({ lower: null, upper: { value: '2' } });
    expect(parseSearch('x:{1 TO *]')).toMatchObject({ lower: { value: '1' }, upper: null });
    expect(parseSearch('x:[ "*" TO "b c" ]')).toMatchObject({
      lower: { value: '*' },
      upper: { value: 'b c' },
    });
  });

  it('applies a field to every value of a field group', () => {
    expect(parseSearch('service:(checkout OR cart)')).toEqual(
      or(term('service', 'checkout'), term('service', 'cart')),
    );
    expect(parseSearch('duration:(>1s <2s)')).toEqual(
      and(
        { type: 'compare', field: 'duration', op: '>', value: '1s' },
        { type: 'compare', field: 'duration', op: '<', value: '2s' },
      ),
    );
    expect(parseSearch('k:(a -"b c" (d OR e*))')).toEqual(
      and(
        term('k', 'a'),
        not(term('k', 'b c')),
        or(term('k', 'd'), { type: 'wildcard', field: 'k', parts: ['e', ''] }),
      ),
    );
  });
});

describe('parseSearch: boolean structure and precedence', () => {
  it('ANDs adjacent clauses and flattens AND chains', () => {
    expect(parseSearch('a b AND c')).toEqual(and(text('a'), text('b'), text('c')));
    expect(parseSearch('(a b) (c d)')).toEqual(and(text('a'), text('b'), text('c'), text('d')));
  });

  it('binds AND tighter than OR', () => {
    expect(parseSearch('a OR b AND c')).toEqual(or(text('a'), and(text('b'), text('c'))));
    expect(parseSearch('a AND b OR c')).toEqual(or(and(text('a'), text('b')), text('c')));
    expect(parseSearch('a b OR c d')).toEqual(
      or(and(text('a'), text('b')), and(text('c'), text('d'))),
    );
  });

  it('binds NOT and - tighter than AND and OR', () => {
    expect(parseSearch('NOT a OR b')).toEqual(or(not(text('a')), text('b')));
    expect(parseSearch('-a b')).toEqual(and(not(text('a')), text('b')));
    expect(parseSearch('NOT a AND NOT b')).toEqual(and(not(text('a')), not(text('b'))));
    expect(parseSearch('NOT (a OR b)')).toEqual(not(or(text('a'), text('b'))));
    expect(parseSearch('NOT NOT a')).toEqual(not(not(text('a'))));
    expect(parseSearch('-env:dev')).toEqual(not(term('env', 'dev')));
  });

  it('lets parentheses override precedence', () => {
    expect(parseSearch('(a OR b) c')).toEqual(and(or(text('a'), text('b')), text('c')));
  });

  it('treats + as a no-op marker of a required clause', () => {
    expect(parseSearch('+a -b')).toEqual(and(text('a'), not(text('b'))));
    expect(parseSearch('+(a OR b)')).toEqual(or(text('a'), text('b')));
  });

  it('reads lower-case and/or/not as words, not operators', () => {
    expect(parseSearch('cats and dogs')).toEqual(and(text('cats'), text('and'), text('dogs')));
    expect(parseSearch('"AND" OR "NOT"')).toEqual(or(text('AND'), text('NOT')));
  });

  it('parses the query from the design document', () => {
    expect(
      parseSearch(
        'service:checkout level:error "payment failed" duration:>500ms http.status_code:[500 TO 599] -env:dev',
      ),
    ).toEqual(
      and(
        term('service', 'checkout'),
        term('level', 'error'),
        text('payment failed'),
        { type: 'compare', field: 'duration', op: '>', value: '500ms' },
        {
          type: 'range',
          field: 'http.status_code',
          lower: { value: '500', inclusive: true },
          upper: { value: '599', inclusive: true },
        },
        not(term('env', 'dev')),
      ),
    );
  });
});

describe('parseSearch: escapes and unicode', () => {
  it('unescapes backslashes in terms, field names and phrases', () => {
    expect(parseSearch('path:C\\:\\\\temp\\ dir')).toEqual(term('path', 'C:\\temp dir'));
    expect(parseSearch('my\\ key:v')).toEqual(term('my key', 'v'));
    expect(parseSearch('"she said \\"no\\""')).toEqual(text('she said "no"'));
    expect(parseSearch('\\-not\\ negated')).toEqual(text('-not negated'));
    expect(parseSearch('\\(x\\)')).toEqual(text('(x)'));
  });

  it('accepts any unicode in terms, phrases and field names', () => {
    expect(parseSearch('пользователь:Ёжик 日本語 "emoji 🚀"')).toEqual(
      and(term('пользователь', 'Ёжик'), text('日本語'), text('emoji 🚀')),
    );
    expect(parseSearch('ключ:зна*ние')).toEqual({
      type: 'wildcard',
      field: 'ключ',
      parts: ['зна', 'ние'],
    });
  });
});

describe('parseSearch: syntax errors', () => {
  const cases: Array<[string, number, string]> = [
    ['service:', 8, "a value after ':'"],
    ['service: checkout', 8, "a value after ':'"],
    ['error: timeout', 6, "a value after ':'"],
    ['(a OR b', 7, "')' to close the '(' at position 0"],
    ['a OR b)', 6, 'the end of the query'],
    ['a OR', 4, 'a search term'],
    ['a AND OR b', 6, 'a search term'],
    ['NOT', 3, "a search term after 'NOT'"],
    ['a -', 3, "a search term after '-'"],
    ['()', 1, 'a search term inside the parentheses'],
    ['"unterminated', 0, `a closing '"'`],
    ['x\\', 1, "a character after '\\'"],
    ['x:[1 TO 5', 9, "']' or '}' to close the range"],
    ['x:[1 5]', 5, "'TO'"],
    ['x:[1 TO ]', 8, 'the end of the range'],
    ['x:[a* TO b]', 3, "without '*'"],
    ['x:>', 3, "a value after '>'"],
    ['x:>=a*', 4, "a value after '>=' without '*'"],
    ['x:> 5', 3, "a value after '>'"],
    ['a*b:c', 0, "a field name without '*'"],
    ['"":x', 0, 'a non-empty field name'],
    ['exists:', 7, "a field name after 'exists:'"],
    ['exists:a*', 7, "a field name after 'exists:'"],
    ['x:(a', 4, "')' to close the '(' at position 2"],
    ['x:()', 3, 'a search term inside the parentheses'],
    [':x', 0, 'a search term'],
    ['a :x', 2, 'an operator, a search term or the end of the query'],
    ['x:(a:b OR)', 9, "a value for 'x'"],
  ];

  it.each(cases)('%j fails at position %i expecting %s', (input, position, expected) => {
    const error = syntaxError(input);
    expect(error.code).toBe('SL_ERR_SEARCH_SYNTAX');
    expect(error.statusCode).toBe(400);
    expect(error.position).toBe(position);
    expect(error.expected).toContain(expected);
    expect(error.message).toMatch(new RegExp(`^at position ${position}: expected `));
  });

  it('words the message for the common mistake of a space after the colon', () => {
    expect(syntaxError('service: checkout').message).toBe(
      "at position 8: expected a value after ':', found whitespace",
    );
    expect(syntaxError('level:error AND service:').message).toBe(
      "at position 24: expected a value after ':', found end of query",
    );
  });

  it('counts positions in UTF-16 code units, as String.prototype.slice does', () => {
    const input = '🚀 x:';
    expect(syntaxError(input).position).toBe(input.length);
  });
});

describe('parseSearch: limits on hostile input', () => {
  it('rejects queries longer than the maximum length', () => {
    expect(parseSearch('a'.repeat(SEARCH_MAX_LENGTH))).toEqual(text('a'.repeat(SEARCH_MAX_LENGTH)));
    const error = syntaxError('a'.repeat(SEARCH_MAX_LENGTH + 1));
    expect(error.position).toBe(SEARCH_MAX_LENGTH);
    expect(error.expected).toContain(`at most ${SEARCH_MAX_LENGTH} characters`);
  });

  it('accepts nesting up to the maximum depth and rejects one level more', () => {
    const nested = (n: number): string => `${'('.repeat(n)}a${')'.repeat(n)}`;
    expect(parseSearch(nested(SEARCH_MAX_DEPTH))).toEqual(text('a'));
    const error = syntaxError(nested(SEARCH_MAX_DEPTH + 1));
    expect(error.position).toBe(SEARCH_MAX_DEPTH);
    expect(error.expected).toContain('levels of nesting');
  });

  it('counts NOT and - towards the depth', () => {
    expect(syntaxError(`${'NOT '.repeat(SEARCH_MAX_DEPTH + 1)}a`).expected).toContain('nesting');
    expect(syntaxError(`${'-('.repeat(SEARCH_MAX_DEPTH)}a`).expected).toContain('nesting');
  });

  it('fails cleanly (no stack overflow) on thousands of open parentheses or negations', () => {
    for (const input of ['('.repeat(8000), '-'.repeat(8000), 'x:('.repeat(2700)]) {
      expect(syntaxError(input).code).toBe('SL_ERR_SEARCH_SYNTAX');
    }
  });

  it('limits the number of clauses', () => {
    expect(parseSearch(Array(SEARCH_MAX_CLAUSES).fill('a').join(' '))).toMatchObject({
      type: 'and',
    });
    const error = syntaxError(
      Array(SEARCH_MAX_CLAUSES + 1)
        .fill('a')
        .join(' '),
    );
    expect(error.position).toBe(SEARCH_MAX_CLAUSES * 2);
    expect(error.expected).toContain(`at most ${SEARCH_MAX_CLAUSES} search terms`);
  });
});
