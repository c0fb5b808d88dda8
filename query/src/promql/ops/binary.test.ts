import { afterAll, describe, expect, it } from 'vitest';
import { startOpsKit, vectorOf, type Row } from './ops-test-kit.ts';
import { sqlThrownError } from './throw-sql.ts';

const kit = startOpsKit();
afterAll(() => kit.close());

const a = vectorOf([
  [{ __name__: 'a', x: '1', y: 'p' }, 0, 2],
  [{ __name__: 'a', x: '2' }, 0, -3],
  [{ __name__: 'a', x: '1', y: 'p' }, 1, NaN],
]);
const b = vectorOf([
  [{ __name__: 'b', x: '1', y: 'p' }, 0, 4],
  [{ __name__: 'b', x: '2' }, 0, 0],
]);
const info = vectorOf([
  [{ __name__: 'info', x: '1', team: 't1' }, 0, 1],
  [{ __name__: 'info', x: '2', team: 'ü 2' }, 0, 1],
]);
const m = vectorOf([
  [{ __name__: 'm', x: '1', k: 'a' }, 0, 10],
  [{ __name__: 'm', x: '1', k: 'b' }, 0, 20],
  [{ __name__: 'm', x: '2', k: 'a' }, 0, 30],
]);
// Two metrics that are one series once their names are dropped.
const d = vectorOf([
  [{ __name__: 'd1', x: '1' }, 0, 1],
  [{ __name__: 'd2', x: '1' }, 0, 2],
]);
const data = { a, b, info, m, d };
const rows = async (expr: string, points = 2): Promise<Row[]> =>
  (await kit.run(expr, data, points)).rows;

/** The execution error an expression stops with, in Prometheus's words. */
async function failure(expr: string): Promise<string> {
  try {
    await kit.run(expr, data);
  } catch (e) {
    return sqlThrownError((e as Error).message)?.message ?? `not ours: ${(e as Error).message}`;
  }
  return 'no error';
}

describe('arithmetic and comparison operators', () => {
  it('vector op scalar drops the metric name; NaN stays NaN', async () => {
    expect(await rows('a + 1')).toEqual([
      [{ x: '1', y: 'p' }, 0, 3],
      [{ x: '1', y: 'p' }, 1, NaN],
      [{ x: '2' }, 0, -2],
    ]);
    expect(await rows('a ^ 2')).toEqual([
      [{ x: '1', y: 'p' }, 0, 4],
      [{ x: '1', y: 'p' }, 1, NaN],
      [{ x: '2' }, 0, 9],
    ]);
  });

  it('a comparison filters and keeps the vector value and name, on either side', async () => {
    expect(await rows('a > 0')).toEqual([[{ __name__: 'a', x: '1', y: 'p' }, 0, 2]]);
    expect(await rows('1 < a')).toEqual([[{ __name__: 'a', x: '1', y: 'p' }, 0, 2]]);
    // NaN != x holds, as in Go.
    expect(await rows('a != 2')).toEqual([
      [{ __name__: 'a', x: '1', y: 'p' }, 1, NaN],
      [{ __name__: 'a', x: '2' }, 0, -3],
    ]);
  });

  it('bool answers 1 or 0 for every series, without the name', async () => {
    expect(await rows('a > bool 0')).toEqual([
      [{ x: '1', y: 'p' }, 0, 1],
      [{ x: '1', y: 'p' }, 1, 0],
      [{ x: '2' }, 0, 0],
    ]);
    expect(await rows('1 < bool 2')).toEqual([
      [{}, 0, 1],
      [{}, 1, 1],
    ]);
  });

  it('scalar op scalar, modulo with the sign of the dividend, atan2', async () => {
    expect(await rows('2 ^ 3 - (0 - 7) % 2', 1)).toEqual([[{}, 0, 9]]);
    expect(await rows('1 atan2 0', 1)).toEqual([[{}, 0, Math.PI / 2]]);
    // Prometheus 2.x keeps the name through atan2, unlike the other arithmetic operators.
    expect(await rows('a atan2 1', 1)).toContainEqual([
      { __name__: 'a', x: '2' },
      0,
      Math.atan2(-3, 1),
    ]);
  });

  it('vector op vector matches by all labels but the name, one to one', async () => {
    expect(await rows('a / b')).toEqual([
      [{ x: '1', y: 'p' }, 0, 0.5],
      [{ x: '2' }, 0, -Infinity],
    ]);
    expect(await rows('a % b')).toEqual([
      [{ x: '1', y: 'p' }, 0, 2],
      [{ x: '2' }, 0, NaN],
    ]);
  });

  it('on keeps only the match labels; ignoring drops those it names', async () => {
    expect(await rows('a - on(x) b')).toEqual([
      [{ x: '1' }, 0, -2],
      [{ x: '2' }, 0, -3],
    ]);
    expect(await rows('a != ignoring(y) b')).toEqual([
      [{ __name__: 'a', x: '1' }, 0, 2],
      [{ __name__: 'a', x: '2' }, 0, -3],
    ]);
  });

  it('group_left and group_right copy the include labels from the one side', async () => {
    const want: Row[] = [
      [{ k: 'a', team: 't1', x: '1' }, 0, 10],
      [{ k: 'a', team: 'ü 2', x: '2' }, 0, 30],
      [{ k: 'b', team: 't1', x: '1' }, 0, 20],
    ];
    expect(await rows('m * on(x) group_left(team) info')).toEqual(want);
    expect(await rows('info * on(x) group_right(team) m')).toEqual(want);
    // A comparison with group_right keeps the left (one side) value.
    expect(await rows('info < on(x) group_right m')).toEqual([
      [{ __name__: 'm', k: 'a', x: '1' }, 0, 1],
      [{ __name__: 'm', k: 'a', x: '2' }, 0, 1],
      [{ __name__: 'm', k: 'b', x: '1' }, 0, 1],
    ]);
  });

  it('ambiguous matches stop with Prometheus errors', async () => {
    expect(await failure('m + on(x) info')).toBe(
      'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
    );
    expect(await failure('info + on(x) m')).toMatch(
      /^found duplicate series for the match group on the right hand-side of the operation; many-to-many matching not allowed/,
    );
    expect(await failure('m * on(x) group_left info')).toBe('no error');
    expect(await failure('m * on(k) group_left info')).toMatch(/^found duplicate series/);
    expect(await failure('d * on(x) group_left info')).toBe(
      'multiple matches for labels: grouping labels must ensure unique matches',
    );
  });
});

describe('set operators', () => {
  it('and, unless and or match per step on every label but the name', async () => {
    expect(await rows('a and b')).toEqual([
      [{ __name__: 'a', x: '1', y: 'p' }, 0, 2],
      [{ __name__: 'a', x: '2' }, 0, -3],
    ]);
    expect(await rows('a unless b')).toEqual([[{ __name__: 'a', x: '1', y: 'p' }, 1, NaN]]);
    expect(await rows('b or a')).toEqual([
      [{ __name__: 'a', x: '1', y: 'p' }, 1, NaN],
      [{ __name__: 'b', x: '1', y: 'p' }, 0, 4],
      [{ __name__: 'b', x: '2' }, 0, 0],
    ]);
  });

  it('on and ignoring choose the labels that match', async () => {
    expect(await rows('m and on(x) info{}')).toHaveLength(3);
    expect(await rows('m unless ignoring(k) b')).toEqual([
      [{ __name__: 'm', k: 'a', x: '1' }, 0, 10],
      [{ __name__: 'm', k: 'b', x: '1' }, 0, 20],
    ]);
    expect(await rows('m unless on(x) b')).toEqual([]);
  });
});
