import { afterAll, describe, expect, it } from 'vitest';
import { cumulativeQuantile } from '../../sql/metrics-quantile.ts';
import { bucketRows, startOpsKit, vectorOf } from './ops-test-kit.ts';

const kit = startOpsKit();
afterAll(() => kit.close());

const h = vectorOf([
  ...bucketRows('/a', 0, { '0.1': 1, '0.5': 3, '1': 4, '+Inf': 4 }),
  // Out of order, a bound written two ways (coalesced), a count dipping (made monotonic).
  ...bucketRows('/b', 0, { '+Inf': 10, '1.0': 2, '1': 3, '0.5': 6, '2': 8 }),
  // No +Inf bucket: NaN.
  ...bucketRows('/c', 0, { '0.1': 1, '1': 2 }),
  // No observations: NaN.
  ...bucketRows('/d', 0, { '1': 0, '+Inf': 0 }),
  // Negative first bound: its bound when the rank falls in it.
  ...bucketRows('/e', 0, { '-1': 5, '0': 6, '+Inf': 10 }),
  // Only +Inf: fewer than two buckets.
  ...bucketRows('/f', 0, { '+Inf': 3 }),
  [{ __name__: 'h_bucket', path: '/g' }, 0, 7],
  ...bucketRows('/a', 1, { '0.1': 0, '0.5': 0, '1': 2, '+Inf': 10 }),
]);

const quantiles = async (q: string) =>
  (await kit.run(`histogram_quantile(${q}, h)`, { h }, 2)).rows.map(
    ([ls, i, v]) => `${ls.path ?? ''}@${i}=${Number(v.toPrecision(12))}`,
  );

describe('histogram_quantile over classic buckets, as Prometheus computes it', () => {
  it('interpolates inside the bucket holding the rank, per series and step', async () => {
    // /a@0: rank 2 in (0.1, 0.5] holding 2 of 4: 0.1 + 0.4·(1/2); /b: bound 1 coalesced to 5 and
    // made 6 (monotonic), so rank 5 falls in the first bucket: 0.5·5/6.
    expect(await quantiles('0.5')).toEqual([
      '/a@0=0.3',
      '/a@1=1',
      '/b@0=0.416666666667',
      '/c@0=NaN',
      '/d@0=NaN',
      '/e@0=-1',
      '/f@0=NaN',
    ]);
  });

  it('a rank in the +Inf bucket is the highest finite bound; φ out of range is ±Inf', async () => {
    expect(await quantiles('0.99')).toContain('/a@1=1');
    expect(await quantiles('0.95')).toContain('/b@0=2');
    expect((await quantiles('1.5')).filter((s) => s.startsWith('/a'))).toEqual([
      '/a@0=Infinity',
      '/a@1=Infinity',
    ]);
    expect(await quantiles('-1')).toContain('/c@0=-Infinity');
  });

  it('agrees with the metrics API implementation on the same buckets', async () => {
    const sets: Record<string, number>[] = [
      { '0.1': 1, '0.5': 3, '1': 4, '+Inf': 4 },
      { '0.25': 0, '0.5': 7, '2.5': 7.5, '10': 12, '+Inf': 20 },
    ];
    for (const counts of sets) {
      const v = vectorOf(bucketRows('/x', 0, counts));
      // (At φ = 0 over an empty first bucket Go divides 0 by 0: NaN; the API's estimate answers 0.)
      for (const q of [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 1]) {
        const [row] = (await kit.run(`histogram_quantile(${q}, h)`, { h: v }, 1)).rows;
        const want = cumulativeQuantile(
          q,
          Object.entries(counts).map(([le, count]) => ({
            upperBound: le === '+Inf' ? Infinity : Number(le),
            count,
          })),
        );
        expect(row?.[2], `q=${q} of ${JSON.stringify(counts)}`).toBeCloseTo(want ?? NaN, 12);
      }
    }
  });
});
