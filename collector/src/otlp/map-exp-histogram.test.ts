import { describe, expect, it } from 'vitest';
import { mapMetrics } from './map-metrics.ts';
import { DEFAULT_LIMITS } from './values.ts';

// An exponential-histogram point whose buckets would have boundaries of 0 or infinity is refused
// alone, naming its field: accepted, it made every percentile of its metric NaN for 30 days.

const point = (scale: number, offset: number, buckets: number, negative = false) => ({
  timeUnixNano: `${Date.now()}000000`,
  count: String(buckets),
  scale,
  [negative ? 'negative' : 'positive']: {
    offset,
    bucketCounts: Array.from({ length: buckets }, () => '1'),
  },
});

const map = (points: object[]) =>
  mapMetrics(
    {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'latency',
                  exponentialHistogram: { aggregationTemporality: 2, dataPoints: points },
                },
              ],
            },
          ],
        },
      ],
    },
    DEFAULT_LIMITS,
  );

const P = 'resourceMetrics[0].scopeMetrics[0].metrics[0].exponentialHistogram.dataPoints';

describe('exponential histogram buckets', () => {
  it('refuses scale 0 offset 1100 alone, naming the field and the allowed offsets', () => {
    const m = map([point(0, 1100, 2), point(0, 3, 2)]);
    expect(m.rows.exponentialHistogram.map((r) => r.PositiveOffset)).toEqual([3]);
    expect(m.rejected.count).toBe(1);
    expect(m.rejected.message()).toContain(
      `${P}[0].positive.offset: 1100 with 2 buckets at scale 0 puts bucket boundaries beyond what a double holds; at this scale the offset must be -1074 to 1021`,
    );
  });

  it.each([
    [0, 1022, 1, true],
    [0, 1023, 1, false],
    [0, -1074, 1, true],
    [0, -1075, 1, false],
    [3, 8190, 1, true],
    [3, 8191, 1, false],
    [-10, -1, 1, true],
    [-10, 0, 1, false],
    [20, 1_000_000, 160, true],
  ])('scale %i, offset %i, %i bucket(s): stored %s', (scale, offset, n, ok) => {
    const m = map([point(scale, offset, n), point(scale, offset, n, true)]);
    expect(m.rows.exponentialHistogram.length).toBe(ok ? 2 : 0);
    if (ok) {
      const boundary = 2 ** ((offset + n) * 2 ** -scale);
      expect(Number.isFinite(boundary)).toBe(true);
    }
  });

  it('refuses scales outside -10…20', () => {
    const m = map([point(21, 0, 1), point(-11, -1, 1)]);
    expect(m.rows.exponentialHistogram).toEqual([]);
    expect(m.rejected.message()).toContain(`${P}[0].scale: must be an integer from -10 to 20`);
  });
});
