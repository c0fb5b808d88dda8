import { afterAll, describe, expect, it } from 'vitest';
import { startOpsKit, vectorOf } from './ops-test-kit.ts';

const kit = startOpsKit();
afterAll(() => kit.close());

const t = vectorOf([
  [{ __name__: 't', room: 'a', host: '1' }, 0, 3],
  [{ __name__: 't', room: 'a', host: '2' }, 0, NaN],
  [{ __name__: 't', room: 'a', host: '3' }, 0, -1],
  [{ __name__: 't', room: 'b', host: '1' }, 0, 10],
  [{ __name__: 't', room: 'b', host: '2' }, 0, 0.5],
  [{ __name__: 't', room: 'b', host: '1' }, 1, 3],
]);
const show = async (expr: string, points = 2) =>
  (await kit.run(expr, { t }, points)).rows
    .map(([ls, i, v]) => {
      const { __name__: name = '', ...rest } = ls;
      return `${name}{${Object.values(rest).join(',')}}@${i}=${Number(v.toPrecision(12))}`;
    })
    .sort();

describe('topk and bottomk', () => {
  it('keep the k highest (lowest) per group and step with their labels, NaN last', async () => {
    expect(await show('topk(2, t)')).toEqual(['t{1,a}@0=3', 't{1,b}@0=10', 't{1,b}@1=3']);
    expect(await show('bottomk by (room) (1, t)')).toEqual([
      't{1,b}@1=3',
      't{2,b}@0=0.5',
      't{3,a}@0=-1',
    ]);
    expect(await show('topk by (room) (5, t)')).toHaveLength(6);
    // k is truncated; below 1 nothing.
    expect(await show('topk(1.9, t)')).toEqual(['t{1,b}@0=10', 't{1,b}@1=3']);
    expect(await show('topk(0.5, t)')).toEqual([]);
  });
});

describe('quantile', () => {
  it('interpolates between closest ranks, NaN sorted first, per group', async () => {
    // room a sorted: NaN, -1, 3 → φ=0.5 is the middle: -1; room b: 0.5, 10 → 5.25.
    expect(await show('quantile by (room) (0.5, t)')).toEqual([
      '{a}@0=-1',
      '{b}@0=5.25',
      '{b}@1=3',
    ]);
    expect(await show('quantile without (host) (0.75, t)')).toEqual([
      '{a}@0=1',
      '{b}@0=7.625',
      '{b}@1=3',
    ]);
    expect(await show('quantile(2, t)')).toEqual(['{}@0=Infinity', '{}@1=Infinity']);
    expect(await show('quantile(-1, t)')).toEqual(['{}@0=-Infinity', '{}@1=-Infinity']);
  });
});

describe('count_values', () => {
  it('counts the series of each value, written as Prometheus writes it', async () => {
    expect(await show('count_values("v", t)')).toEqual([
      '{-1}@0=1',
      '{0.5}@0=1',
      '{10}@0=1',
      '{3}@0=1',
      '{3}@1=1',
      '{NaN}@0=1',
    ]);
    // The value label replaces a grouping label of the same name.
    expect(await show('count_values by (room) ("room", t)', 1)).toContain('{3}@0=1');
  });

  it('refuses a label name that is not one', async () => {
    await expect(kit.run('count_values("a-b", t)', { t })).rejects.toThrow(/invalid label name/);
  });
});
