import { describe, expect, it } from 'vitest';
import { ItemError } from '../otlp/item-error.ts';
import { denseBuckets, exponentialPoint } from './native-histogram.ts';

describe('native histogram buckets', () => {
  it('expands integer deltas across spans, filling gaps with zeros', () => {
    // buckets -2, -1 then 2, 3: counts 1, 4, 4, 2
    expect(
      denseBuckets(
        [
          { offset: -2, length: 2 },
          { offset: 2, length: 2 },
        ],
        ['1', '3', '0', '-2'],
        undefined,
        'h',
      ),
    ).toEqual({ offset: -3, bucketCounts: ['1', '4', '0', '0', '4', '2'] });
  });

  it('reads float histograms as absolute counts', () => {
    const p = exponentialPoint(
      {
        countFloat: 6,
        sum: 3,
        schema: 2,
        zeroCountFloat: 1,
        positiveSpans: [{ offset: 0, length: 2 }],
        positiveCounts: [2, 1],
        negativeSpans: [{ offset: 5, length: 1 }],
        negativeCounts: [2],
      },
      '1700000000000000000',
      'h',
    );
    expect(p).toMatchObject({
      count: '6',
      zeroCount: '1',
      scale: 2,
      positive: { offset: -1, bucketCounts: ['2', '1'] },
      negative: { offset: 4, bucketCounts: ['2'] },
    });
  });

  it('rejects counts that do not match the spans, and custom-bucket schemas', () => {
    expect(() =>
      denseBuckets([{ offset: 0, length: 3 }], ['1', '1'], undefined, 'h.positive'),
    ).toThrow(new ItemError('h.positive', 'the spans cover more buckets than there are counts'));
    expect(() =>
      denseBuckets([{ offset: 0, length: 1 }], ['1', '1'], undefined, 'h.positive'),
    ).toThrow(ItemError);
    expect(() => exponentialPoint({ schema: -53 }, '0', 'h')).toThrow(/not an exponential schema/);
  });
});
