import { afterAll, describe, expect, it } from 'vitest';
import { bucketRows, startOpsKit, vectorOf } from './ops-test-kit.ts';

/**
 * histogram_fraction over classic buckets. The Debian Prometheus (2.42) answers it for native
 * histograms only (deploy/test/native-histograms.int.test.ts compares those with it), so these
 * values are computed by hand from Prometheus 3's definition for classic buckets.
 */
const kit = startOpsKit();
afterAll(() => kit.close());

const h = vectorOf([
  ...bucketRows('/a', 0, { '0.1': 1, '0.5': 3, '1': 4, '+Inf': 4 }),
  ...bucketRows('/a', 1, { '0.1': 0, '0.5': 0, '1': 2, '+Inf': 10 }),
  // No +Inf bucket, no observations: NaN.
  ...bucketRows('/c', 0, { '0.1': 1, '1': 2 }),
  ...bucketRows('/d', 0, { '1': 0, '+Inf': 0 }),
  // A first bound ≤ 0: the first bucket reaches down to −Inf.
  ...bucketRows('/e', 0, { '-1': 5, '0': 6, '+Inf': 10 }),
  // Not a bucket: no answer.
  [{ __name__: 'h_bucket', path: '/g' }, 0, 7],
]);

const fractions = async (lower: string, upper: string) =>
  (await kit.run(`histogram_fraction(${lower}, ${upper}, h)`, { h }, 2)).rows.map(
    ([ls, i, v]) => `${ls.path ?? ''}@${i}=${Number(v.toPrecision(12))}`,
  );

describe('histogram_fraction over classic buckets', () => {
  it('counts whole buckets up to a bound on a bucket edge, from 0 below a positive first bound', async () => {
    // /a@0: 1 of 4 in (0, 0.1]; /a@1: none; /e: nothing at or below 0 but the buckets below 0.
    expect(await fractions('0', '0.1')).toEqual([
      '/a@0=0.25',
      '/a@1=0',
      '/c@0=NaN',
      '/d@0=NaN',
      '/e@0=0',
    ]);
  });

  it('interpolates linearly inside a bucket; a bound in the +Inf bucket counts none of it', async () => {
    // /a@0: rank(0.05) = 1·0.05/0.1 = 0.5, rank(2) = 4 (the +Inf bucket adds nothing): 3.5/4.
    // /a@1: rank(0.05) = 0, rank(2) = 2: 2/10. /e: rank(0.05) = rank(2) = 6.
    expect(await fractions('0.05', '2')).toEqual([
      '/a@0=0.875',
      '/a@1=0.2',
      '/c@0=NaN',
      '/d@0=NaN',
      '/e@0=0',
    ]);
    // /a@0: rank(0.3) = 1 + 2·0.2/0.4 = 2; /a@1: rank(0.75) = 2·0.25/0.5 = 1, rank(1.5) = 2.
    expect((await fractions('0.1', '0.3'))[0]).toBe('/a@0=0.25');
    expect((await fractions('0.75', '1.5'))[1]).toBe('/a@1=0.1');
  });

  it('negative bounds, infinities, reversed and NaN bounds', async () => {
    expect((await fractions('-1', '0')).at(-1)).toBe('/e@0=0.1');
    expect((await fractions('-Inf', '-1')).at(-1)).toBe('/e@0=0.5');
    expect(await fractions('-Inf', '+Inf')).toEqual([
      '/a@0=1',
      '/a@1=1',
      '/c@0=NaN',
      '/d@0=NaN',
      '/e@0=1',
    ]);
    expect((await fractions('1', '0.5')).slice(0, 2)).toEqual(['/a@0=0', '/a@1=0']);
    expect((await fractions('0.5', '0.5'))[0]).toBe('/a@0=0');
    expect((await fractions('NaN', '1'))[0]).toBe('/a@0=NaN');
  });

  it('takes bounds computed per step', async () => {
    expect((await fractions('time() * 0', 'time() * 0 + 0.1')).slice(0, 2)).toEqual([
      '/a@0=0.25',
      '/a@1=0',
    ]);
  });
});
