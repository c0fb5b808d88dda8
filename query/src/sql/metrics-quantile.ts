/** One histogram bucket: observations in (previous upper bound, upperBound]. */
export interface Bucket {
  readonly upperBound: number;
  readonly count: number;
}

/**
 * The q-quantile of a histogram with explicit buckets, estimated as Prometheus' histogram_quantile
 * does, so numbers match what users know from it: the bucket holding rank q·total is found, and
 * the value interpolated linearly inside it, the first bucket's lower end taken as 0 (or as its
 * upper bound when that is ≤ 0). A rank in the +Inf bucket yields the highest finite bound.
 * Buckets may come in any order, with upper bounds repeated (summed); a histogram without a
 * finite bound or without observations has no quantile (null).
 */
export function bucketQuantile(q: number, buckets: readonly Bucket[]): number | null {
  const byBound = new Map<number, number>();
  for (const b of buckets) byBound.set(b.upperBound, (byBound.get(b.upperBound) ?? 0) + b.count);
  if (!byBound.has(Infinity)) byBound.set(Infinity, 0);
  const bounds = [...byBound.keys()].sort((a, b) => a - b);
  if (bounds.length < 2) return null;
  const cumulative: number[] = [];
  let total = 0;
  for (const ub of bounds) {
    total += byBound.get(ub) ?? 0;
    cumulative.push(total);
  }
  if (total === 0) return null;
  const rank = q * total;
  let b = cumulative.findIndex((c) => c >= rank);
  if (b === -1) b = bounds.length - 1;
  const last = bounds.length - 1;
  if (b === last) return bounds[last - 1] ?? null;
  const end = bounds[b] ?? 0;
  if (b === 0 && end <= 0) return end;
  const start = b === 0 ? 0 : (bounds[b - 1] ?? 0);
  const below = b === 0 ? 0 : (cumulative[b - 1] ?? 0);
  const inBucket = (cumulative[b] ?? 0) - below;
  if (inBucket <= 0) return start;
  return start + (end - start) * ((rank - below) / inBucket);
}

/** p50 → 0.5 … p99 → 0.99. */
export const PERCENTILES = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 } as const;
export type PercentileName = keyof typeof PERCENTILES;
export const isPercentile = (a: string): a is PercentileName => a in PERCENTILES;

/**
 * histogram_quantile over classic buckets, whose counts are cumulative (observations ≤ le), as
 * Prometheus computes it: buckets of one bound merged, counts made monotonic (a rate of each
 * bucket can dip below its predecessor's), then the per-bucket quantile above. Without a +Inf
 * bucket there is no quantile.
 */
export function cumulativeQuantile(q: number, buckets: readonly Bucket[]): number | null {
  const byBound = new Map<number, number>();
  for (const b of buckets) byBound.set(b.upperBound, (byBound.get(b.upperBound) ?? 0) + b.count);
  if (!byBound.has(Infinity)) return null;
  let below = 0;
  const perBucket = [...byBound.entries()]
    .sort(([a], [b]) => a - b)
    .map(([upperBound, cumulative]) => {
      const count = Math.max(0, cumulative - below);
      below = Math.max(below, cumulative);
      return { upperBound, count };
    });
  return bucketQuantile(q, perBucket);
}
