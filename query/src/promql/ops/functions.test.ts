import { afterAll, describe, expect, it } from 'vitest';
import { PromQLError } from '../errors.ts';
import { absentLabels } from './absent.ts';
import { replacementTemplate } from './label-functions.ts';
import { startOpsKit, vectorOf, type Row } from './ops-test-kit.ts';
import { sqlThrownError } from './throw-sql.ts';

const kit = startOpsKit();
afterAll(() => kit.close());

const g = vectorOf([
  [{ __name__: 'g', room: 'kitchen', host: 'a' }, 0, -2.5],
  [{ __name__: 'g', room: 'hall', host: 'b' }, 0, 0],
  [{ __name__: 'g', room: 'cellar', host: 'a' }, 0, NaN],
  [{ __name__: 'g', room: 'kitchen', host: 'a' }, 1, 4.25],
]);
const two = vectorOf([
  [{ __name__: 'x', k: '1' }, 0, 1],
  [{ __name__: 'y', k: '1' }, 0, 2],
]);
const data = { g, two };
const rows = async (expr: string, points = 2): Promise<Row[]> =>
  (await kit.run(expr, data, points)).rows;
const atFirst = async (expr: string): Promise<Row[]> =>
  (await rows(expr, 1)).filter(([, i]) => i === 0);
const values = async (expr: string) => (await rows(expr)).map(([, , v]) => v);

describe('functions of each value', () => {
  it('drop the metric name and keep NaN', async () => {
    expect(await rows('abs(g)')).toEqual([
      [{ host: 'a', room: 'cellar' }, 0, NaN],
      [{ host: 'a', room: 'kitchen' }, 0, 2.5],
      [{ host: 'a', room: 'kitchen' }, 1, 4.25],
      [{ host: 'b', room: 'hall' }, 0, 0],
    ]);
  });

  it('compute as Go does: sgn of NaN and 0, ln of 0 and below, rounding half up', async () => {
    expect(await values('sgn(g)')).toEqual([NaN, -1, 1, 0]);
    expect(await values('ln(g)')).toEqual([NaN, NaN, Math.log(4.25), -Infinity]);
    expect(await values('sqrt(g)')).toEqual([NaN, NaN, Math.sqrt(4.25), 0]);
    expect(await values('ceil(g)')).toEqual([NaN, -2, 5, 0]);
    expect(await values('floor(g)')).toEqual([NaN, -3, 4, 0]);
    expect(await values('round(g)')).toEqual([NaN, -2, 4, 0]);
    expect(await values('round(g, 0.5)')).toEqual([NaN, -2.5, 4.5, 0]);
    expect(await values('exp(g)')).toEqual([NaN, Math.exp(-2.5), Math.exp(4.25), 1]);
    expect(await values('log2(g)')).toEqual([NaN, NaN, Math.log2(4.25), -Infinity]);
    expect(await values('log10(g)')).toEqual([NaN, NaN, Math.log10(4.25), -Infinity]);
  });

  it('clamp, clamp_min, clamp_max; clamp with max below min answers nothing', async () => {
    expect(await values('clamp(g, -1, 2)')).toEqual([NaN, -1, 2, 0]);
    expect(await values('clamp_min(g, 0)')).toEqual([NaN, 0, 4.25, 0]);
    expect(await values('clamp_max(g, 0)')).toEqual([NaN, -2.5, 0, 0]);
    expect(await values('clamp(g, 2, 1)')).toEqual([]);
  });

  it('refuse two series that become one once their names are dropped', async () => {
    await expect(kit.run('abs(two)', data)).rejects.toSatisfy(
      (e: Error) =>
        sqlThrownError(e.message)?.message ===
        'vector cannot contain metrics with the same labelset',
    );
  });
});

describe('label_replace and label_join', () => {
  it('replace from a fully matching regex with $1 and ${1}, keep others unchanged', async () => {
    expect(await atFirst('label_replace(g, "where", "in-$1-${2}", "room", "(.)(.*)en")')).toEqual([
      [{ __name__: 'g', host: 'a', room: 'cellar' }, 0, NaN],
      [{ __name__: 'g', host: 'a', room: 'kitchen', where: 'in-k-itch' }, 0, -2.5],
      [{ __name__: 'g', host: 'b', room: 'hall' }, 0, 0],
    ]);
  });

  it('an empty result removes the label; duplicates are refused', async () => {
    const r = await atFirst('label_replace(g, "room", "", "room", "hall|cellar")');
    expect(r.map(([ls]) => ls)).toEqual([
      { __name__: 'g', host: 'a', room: 'kitchen' },
      { __name__: 'g', host: 'a' },
      { __name__: 'g', host: 'b' },
    ]);
    await expect(kit.run('label_replace(g, "room", "", "room", ".*")', data, 1)).rejects.toThrow(
      /same labelset/,
    );
  });

  it('joins source labels with the separator, missing ones empty', async () => {
    const r = await atFirst('label_join(g, "id", " · ", "room", "nope", "host")');
    expect(r.map(([ls]) => ls.id)).toEqual(['cellar ·  · a', 'kitchen ·  · a', 'hall ·  · b']);
  });

  it('templates become ClickHouse replacements; named groups are refused', () => {
    expect(replacementTemplate('a$1${2}$$\\x$')).toBe('a\\1\\2$\\\\x$');
    expect(() => replacementTemplate('$name')).toThrow(PromQLError);
  });
});

describe('absent, time, vector, scalar, sort, timestamp', () => {
  it('absent answers 1 where the vector is empty, with the labels of its = matchers', async () => {
    expect(await rows('absent(g)', 3)).toEqual([[{}, 2, 1]]);
    expect(
      absentLabels([
        { name: '__name__', op: '=', value: 'm' },
        { name: 'a', op: '=', value: '1' },
        { name: 'b', op: '=~', value: 'x' },
        { name: 'c', op: '=', value: '1' },
        { name: 'c', op: '=', value: '2' },
      ]),
    ).toEqual({ a: '1' });
  });

  it('time is each step in seconds; vector and scalar convert', async () => {
    expect(await rows('time()', 2)).toEqual([
      [{}, 0, 1000],
      [{}, 1, 1010],
    ]);
    expect(await rows('vector(time())', 1)).toEqual([[{}, 0, 1000]]);
    // Three series at step 0, one at step 1, none at step 2.
    expect(await values('scalar(g)')).toEqual([NaN, 4.25]);
    expect((await rows('scalar(g)', 3)).map(([, , v]) => v)).toEqual([NaN, 4.25, NaN]);
  });

  it('sort and sort_desc mark the order; timestamp of an expression is the step time', async () => {
    expect((await kit.run('sort(g)', data)).compiled.order).toBe('asc');
    expect((await kit.run('sort_desc(g)', data)).compiled.order).toBe('desc');
    expect(await values('timestamp(g + 1)')).toEqual([1000, 1000, 1010, 1000]);
  });
});
