import { describe, expect, it } from 'vitest';
import { ItemError } from '../otlp/item-error.ts';
import { MAX_EMPTY_BUCKETS, denseBuckets, exponentialPoint } from './native-histogram.ts';

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

  it('downscales a histogram whose gaps would fill more empty buckets than allowed', () => {
    // OTLP buckets -1 and 200 at scale 0: 202 dense buckets for 2 sent, more than 2·2 + 160.
    // At scale -1 they are buckets -1 and 100: (2^200, 2^201] lies in (4^100, 4^101].
    const p = exponentialPoint(
      {
        countInt: '3',
        schema: 0,
        positiveSpans: [
          { offset: 0, length: 1 },
          { offset: 200, length: 1 },
        ],
        positiveDeltas: ['1', '1'],
        negativeSpans: [{ offset: 3, length: 2 }],
        negativeDeltas: ['1', '0'],
      },
      '1700000000000000000',
      'h',
    );
    expect(p.scale).toBe(-1);
    expect(p.positive.offset).toBe(-1);
    expect(p.positive.bucketCounts).toHaveLength(102);
    expect(p.positive.bucketCounts[0]).toBe('1');
    expect(p.positive.bucketCounts[101]).toBe('2');
    expect(p.positive.bucketCounts.slice(1, 101).every((c) => c === '0')).toBe(true);
    // Negative buckets 2 and 3 at scale 0 merge into bucket 1 at scale -1.
    expect(p.negative).toEqual({ offset: 1, bucketCounts: ['2'] });
  });

  it('answers the widest gaps in work proportional to the buckets sent (the CI hang)', () => {
    // 51 bytes on the wire took 12 s and 300 MB with a gap of 10^7, and never ended with 2^31-1.
    const h = (offsets: number[]) => ({
      countFloat: 2,
      schema: 8,
      positiveSpans: offsets.map((offset) => ({ offset, length: 1 })),
      positiveCounts: offsets.map(() => 1),
    });
    // The lowest and highest buckets a double can bound at schema 8: 537,088 buckets apart.
    const p = exponentialPoint(h([-1074 * 256 + 1, 2098 * 256 - 3]), '0', 'h');
    expect(p.positive.bucketCounts.length).toBeLessThanOrEqual(2 * 2 + MAX_EMPTY_BUCKETS);
    expect(p.positive.bucketCounts.reduce((n, c) => n + Number(c), 0)).toBe(2);
    expect(p.scale).toBe(-4);
    expect(() => exponentialPoint(h([0, 2 ** 31 - 1]), '0', 'h')).toThrow(
      new ItemError(
        'h.positive.spans[1].offset',
        'puts buckets 2147483648 to 2147483648 beyond what a double holds at schema 8',
      ),
    );
  });
});
