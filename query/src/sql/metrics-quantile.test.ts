import { describe, expect, it } from 'vitest';
import { bucketQuantile } from './metrics-quantile.ts';

const hist = (bounds: number[], counts: number[]) =>
  counts.map((count, i) => ({ upperBound: bounds[i] ?? Infinity, count }));

describe('bucketQuantile (histogram_quantile semantics)', () => {
  it('interpolates linearly inside the bucket holding the rank', () => {
    // 100 observations: 10 ≤ 100, 30 in (100, 200], 60 in (200, 400].
    const h = hist([100, 200, 400], [10, 30, 60, 0]);
    expect(bucketQuantile(0.5, h)).toBeCloseTo(200 + 200 * (10 / 60), 10);
    expect(bucketQuantile(0.95, h)).toBeCloseTo(200 + 200 * (55 / 60), 10);
    expect(bucketQuantile(0.99, h)).toBeCloseTo(200 + 200 * (59 / 60), 10);
    // The first bucket's lower end is 0.
    expect(bucketQuantile(0.05, h)).toBe(50);
    // A rank on a bucket's upper edge is that bound.
    expect(bucketQuantile(0.4, h)).toBe(200);
  });

  it('answers the highest finite bound for a rank in the +Inf bucket', () => {
    // The OTel SDK test's histogram: 1, 5, 50, 500 over bounds 0, 10, 100.
    const h = hist([0, 10, 100], [0, 2, 1, 1]);
    expect(bucketQuantile(0.5, h)).toBe(10);
    expect(bucketQuantile(0.75, h)).toBe(100);
    expect(bucketQuantile(0.9, h)).toBe(100);
  });

  it('returns a non-positive first bound as is', () => {
    expect(bucketQuantile(0.5, hist([-5, 5], [3, 1, 0]))).toBe(-5);
  });

  it('merges repeated bounds in any order and fills a missing +Inf bucket', () => {
    const merged = [
      { upperBound: 400, count: 30 },
      { upperBound: 100, count: 10 },
      { upperBound: 200, count: 30 },
      { upperBound: 400, count: 30 },
    ];
    expect(bucketQuantile(0.5, merged)).toBeCloseTo(200 + 200 * (10 / 60), 10);
  });

  it('has no quantile without observations or finite bounds', () => {
    expect(bucketQuantile(0.5, hist([10, 20], [0, 0, 0]))).toBeNull();
    expect(bucketQuantile(0.5, [{ upperBound: Infinity, count: 5 }])).toBeNull();
    expect(bucketQuantile(0.5, [])).toBeNull();
  });
});
