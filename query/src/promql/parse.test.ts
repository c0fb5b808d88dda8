import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.ts';
import { PromQLError } from './errors.ts';
import { parsePromQL } from './parse.ts';
import { typeOf } from './type-check.ts';

const sel = (name: string, more: Partial<Extract<Expr, { kind: 'VectorSelector' }>> = {}) => ({
  kind: 'VectorSelector',
  name,
  matchers: [{ name: '__name__', op: '=', value: name }],
  offsetMs: 0,
  at: undefined,
  ...more,
});

function badData(text: string): string {
  try {
    parsePromQL(text);
  } catch (err) {
    expect(err).toBeInstanceOf(PromQLError);
    expect((err as PromQLError).errorType).toBe('bad_data');
    return (err as Error).message;
  }
  throw new Error(`${text} parsed`);
}

describe('parsePromQL', () => {
  it('reads selectors with every matcher op, quoted names and non-ASCII values', () => {
    expect(parsePromQL('up{a="b",c!="",d=~"x.*",e!~"y|z",f="größe ☃"}')).toEqual(
      sel('up', {
        matchers: [
          { name: '__name__', op: '=', value: 'up' },
          { name: 'a', op: '=', value: 'b' },
          { name: 'c', op: '!=', value: '' },
          { name: 'd', op: '=~', value: 'x.*' },
          { name: 'e', op: '!~', value: 'y|z' },
          { name: 'f', op: '=', value: 'größe ☃' },
        ],
      }),
    );
    expect(parsePromQL('{__name__=~"a.*", job="x"}')).toMatchObject({
      name: undefined,
      matchers: [
        { name: '__name__', op: '=~', value: 'a.*' },
        { name: 'job', op: '=', value: 'x' },
      ],
    });
    expect(parsePromQL('{"http.server.duration", "service.name"="a"}')).toMatchObject({
      matchers: [
        { name: '__name__', op: '=', value: 'http.server.duration' },
        { name: 'service.name', op: '=', value: 'a' },
      ],
    });
    expect(parsePromQL('foo:bar_baz')).toEqual(sel('foo:bar_baz'));
  });

  it('unquotes strings as Go does', () => {
    const m = (text: string) =>
      (parsePromQL(`x{a=${text}}`) as unknown as { matchers: { value: string }[] }).matchers[1]!
        .value;
    expect(m(String.raw`"a\nb\t\"c\"\\"`)).toBe('a\nb\t"c"\\');
    expect(m(String.raw`'it\'s'`)).toBe("it's");
    expect(m('`raw\\n`')).toBe('raw\\n');
    expect(m(String.raw`"\x41\u00e9\U0001F600\101"`)).toBe('Aé😀A');
    expect(badData(String.raw`x{a="\q"}`)).toMatch(/escape sequence/);
  });

  it('reads offset, @ and ranges in every order and unit', () => {
    expect(parsePromQL('x offset 5m')).toEqual(sel('x', { offsetMs: 300_000 }));
    expect(parsePromQL('x offset -1h30m')).toEqual(sel('x', { offsetMs: -5_400_000 }));
    expect(parsePromQL('x @ 1609746000')).toEqual(sel('x', { at: 1_609_746_000_000 }));
    expect(parsePromQL('x @ 100.5 offset 1s')).toEqual(sel('x', { at: 100_500, offsetMs: 1000 }));
    expect(parsePromQL('x offset 1s @ end()')).toEqual(sel('x', { at: 'end', offsetMs: 1000 }));
    expect(parsePromQL('x[5m] @ start()')).toEqual({
      kind: 'MatrixSelector',
      vector: sel('x', { at: 'start' }),
      rangeMs: 300_000,
    });
    expect(parsePromQL('x[1w2d3h4m5s6ms] offset 1y')).toEqual({
      kind: 'MatrixSelector',
      vector: sel('x', { offsetMs: 31_536_000_000 }),
      rangeMs: 604_800_000 + 2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5000 + 6,
    });
    expect(parsePromQL('x[90]')).toMatchObject({ rangeMs: 90_000 });
    expect(badData('x offset 1m offset 2m')).toMatch(/offset may not be set multiple times/);
    expect(badData('x @ 1 @ 2')).toMatch(/may not be set multiple times/);
    expect(badData('sum(x) offset 1m')).toMatch(/offset and @ apply to selectors/);
    // The modifier belongs to the operand it follows, not to the binary expression.
    expect(parsePromQL('a > on(x) b offset 5s')).toMatchObject({
      lhs: sel('a'),
      rhs: sel('b', { offsetMs: 5000 }),
    });
    expect(parsePromQL('a + b * c @ 5')).toMatchObject({
      lhs: sel('a'),
      rhs: { op: '*', lhs: sel('b'), rhs: sel('c', { at: 5000 }) },
    });
    expect(badData('x[5m+1m]')).toMatch(/duration expression .* is not supported/);
  });

  it('reads subqueries with and without a step, with offset and @', () => {
    expect(parsePromQL('rate(x[5m])[30m:1m] offset 2m @ end()')).toEqual({
      kind: 'SubqueryExpr',
      expr: {
        kind: 'Call',
        fn: 'rate',
        args: [{ kind: 'MatrixSelector', vector: sel('x'), rangeMs: 300_000 }],
      },
      rangeMs: 1_800_000,
      stepMs: 60_000,
      offsetMs: 120_000,
      at: 'end',
    });
    expect(parsePromQL('x[5m:]')).toMatchObject({ kind: 'SubqueryExpr', stepMs: undefined });
    expect(badData('x[5m][5m:1m]')).toMatch(/subquery, got range vector/);
  });

  it('reads numbers in every notation', () => {
    const n = (t: string) => (parsePromQL(t) as { value: number }).value;
    expect(n('1e3')).toBe(1000);
    expect(n('0x1F')).toBe(31);
    expect(n('Inf')).toBe(Infinity);
    expect(n('NaN')).toBeNaN();
    expect(n('.5')).toBe(0.5);
    expect(n('5m')).toBe(300);
    expect(n('-Inf')).toBe(-Infinity);
    expect(parsePromQL('-x')).toEqual({ kind: 'Unary', op: '-', expr: sel('x') });
  });

  it('reads aggregations with by/without before or after and parameters', () => {
    expect(parsePromQL('sum by (job, "a.b") (x)')).toEqual({
      kind: 'Aggregate',
      op: 'sum',
      by: ['job', 'a.b'],
      without: undefined,
      param: undefined,
      expr: sel('x'),
    });
    expect(parsePromQL('avg(x) without (a)')).toMatchObject({
      op: 'avg',
      without: ['a'],
      by: undefined,
    });
    expect(parsePromQL('count without () (x)')).toMatchObject({ without: [] });
    expect(parsePromQL('topk(3, x)')).toMatchObject({
      op: 'topk',
      param: { kind: 'NumberLiteral', value: 3 },
    });
    expect(parsePromQL('count_values("v", x)')).toMatchObject({
      param: { kind: 'StringLiteral', value: 'v' },
    });
    expect(badData('sum(x, y)')).toMatch(/expected 1, got 2/);
    expect(badData('topk(x)')).toMatch(/expected 2, got 1/);
    expect(badData('sum(x[5m])')).toMatch(
      /instant vector in aggregation expression "sum", got range vector/,
    );
    expect(badData('topk("a", x)')).toMatch(/expected type scalar/);
  });

  it('reads binary operators with precedence, bool and vector matching', () => {
    expect(parsePromQL('1 + 2 * 3')).toMatchObject({ op: '+', rhs: { op: '*' } });
    expect(parsePromQL('2 ^ 3 ^ 2')).toMatchObject({
      op: '^',
      lhs: { value: 2 },
      rhs: { op: '^' },
    });
    expect(parsePromQL('(a + b) * c')).toMatchObject({ op: '*', lhs: { kind: 'Paren' } });
    expect(parsePromQL('a > bool 1')).toMatchObject({ op: '>', bool: true });
    expect(parsePromQL('a == 0')).toMatchObject({ op: '==' });
    expect(parsePromQL('a != bool 0')).toMatchObject({ op: '!=', bool: true });
    expect(parsePromQL('a / on(x, y) group_left(z) b')).toMatchObject({
      matching: { on: ['x', 'y'], card: 'many-to-one', include: ['z'] },
    });
    expect(parsePromQL('a - ignoring(x) group_right b')).toMatchObject({
      matching: { ignoring: ['x'], on: undefined, card: 'one-to-many', include: [] },
    });
    expect(parsePromQL('a * on() b')).toMatchObject({ matching: { on: [], card: 'one-to-one' } });
    expect(parsePromQL('a and on(x) b')).toMatchObject({
      op: 'and',
      matching: { on: ['x'], card: 'many-to-one' },
    });
    expect(parsePromQL('a unless b')).toMatchObject({ op: 'unless' });
    expect(parsePromQL('a atan2 b')).toMatchObject({ op: 'atan2' });
    expect(badData('a + bool b')).toMatch(/bool modifier can only be used on comparison/);
    expect(badData('1 > 2')).toMatch(/comparisons between scalars must use BOOL/);
    expect(badData('1 and x')).toMatch(/set operator "and" not allowed in binary scalar/);
    expect(badData('a and on(x) group_left b')).toMatch(/no grouping allowed for "and"/);
    expect(badData('x[5m] + 1')).toMatch(/only scalar and instant vector/);
    expect(badData('1 + on(a) x')).toMatch(/vector matching only allowed between instant vectors/);
  });

  it('checks function names, argument counts and types', () => {
    expect(parsePromQL('label_join(x, "d", ",", "a", "b", "c")')).toMatchObject({
      fn: 'label_join',
    });
    expect(parsePromQL('round(x)')).toMatchObject({ fn: 'round', args: [sel('x')] });
    expect(parsePromQL('time()')).toEqual({ kind: 'Call', fn: 'time', args: [] });
    expect(typeOf(parsePromQL('scalar(x) * 2'))).toBe('scalar');
    expect(typeOf(parsePromQL('x * 2'))).toBe('vector');
    expect(badData('rate(x)')).toMatch(
      /expected type range vector in call to function "rate", got instant vector/,
    );
    expect(badData('abs(x[5m])')).toMatch(/expected type instant vector/);
    expect(badData('clamp(x, 1)')).toMatch(/expected 3 argument\(s\) in call to "clamp", got 2/);
    expect(badData('time(x)')).toMatch(/expected 0 argument/);
    expect(badData('nosuchfn(x)')).toMatch(/unknown function with name "nosuchfn"/);
  });

  it('refuses syntax errors naming the position', () => {
    expect(badData('')).toMatch(/no expression found/);
    expect(badData('foo{')).toMatch(/parse error at char 5: unexpected end of input/);
    expect(badData('foo bar')).toMatch(/parse error at char 5/);
    expect(badData('sum by (a) ()')).toMatch(/expected 1, got 0/);
    expect(badData('{a=""}')).toMatch(/at least one non-empty matcher/);
    expect(badData('{a=~".*"}')).toMatch(/at least one non-empty matcher/);
    expect(badData('x{a=~"("}')).toMatch(/invalid regular expression/);
    expect(badData('foo{__name__="bar"}')).toMatch(/metric name must not be set twice/);
    expect(badData('x[step()]')).toMatch(/is not supported/);
  });
});
