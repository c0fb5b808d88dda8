import { compress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import type { SightlineError } from '@sightline/model/errors';
import { checkWriteHeaders, decodeWriteRequest } from './decode-write.ts';
import { WriteRequest } from './remote-write-proto.ts';

const encode = (o: object) =>
  Buffer.from(compress(WriteRequest.encode(WriteRequest.fromObject(o)).finish()));

const errorOf = (f: () => unknown): SightlineError => {
  try {
    f();
  } catch (err) {
    return err as SightlineError;
  }
  throw new Error('no error');
};

describe('remote write bodies', () => {
  it('keeps only the oneof member a native histogram was sent with', () => {
    const h = (o: object) =>
      decodeWriteRequest(encode({ timeseries: [{ histograms: [o] }] }), 1 << 20).timeseries![0]!
        .histograms![0]!;
    const int = h({ countInt: 0, zeroCountInt: 3, positiveDeltas: [1] });
    expect(int).toMatchObject({ countInt: '0', zeroCountInt: '3' });
    expect(int).not.toHaveProperty('countFloat');
    expect(int).not.toHaveProperty('zeroCountFloat');
    const float = h({ countFloat: 0, zeroCountFloat: 0.5, positiveCounts: [1] });
    expect(float).toMatchObject({ countFloat: 0, zeroCountFloat: 0.5 });
    expect(float).not.toHaveProperty('countInt');
    expect(float).not.toHaveProperty('zeroCountInt');
  });

  it('decodes a snappy-compressed WriteRequest', () => {
    const body = encode({
      timeseries: [
        {
          labels: [{ name: '__name__', value: 'up' }],
          samples: [{ value: 1, timestamp: 1700000000000 }],
        },
      ],
      metadata: [{ type: 'COUNTER', metricFamilyName: 'x_total', help: 'h' }],
    });
    expect(decodeWriteRequest(body, 1 << 20)).toEqual({
      timeseries: [
        {
          labels: [{ name: '__name__', value: 'up' }],
          samples: [{ value: 1, timestamp: '1700000000000' }],
          exemplars: [],
          histograms: [],
        },
      ],
      metadata: [{ type: 'COUNTER', metricFamilyName: 'x_total', help: 'h', unit: '' }],
    });
  });

  it('keeps samples whose value or timestamp is the protobuf default (0)', () => {
    // proto3 leaves a 0 off the wire: the decoded sample must still say 0, not undefined.
    const body = encode({
      timeseries: [
        {
          labels: [{ name: '__name__', value: 'up' }],
          samples: [
            { value: 0, timestamp: 1700000000000 },
            { value: 3, timestamp: 0 },
          ],
        },
      ],
    });
    expect(decodeWriteRequest(body, 1 << 20).timeseries?.[0]?.samples).toEqual([
      { value: 0, timestamp: '1700000000000' },
      { value: 3, timestamp: '0' },
    ]);
  });

  it('answers 400 for bad snappy or bad protobuf, 413 beyond the limit', () => {
    expect(
      errorOf(() => decodeWriteRequest(Buffer.from([0x05, 0xff, 0xff]), 1 << 20)),
    ).toMatchObject({
      statusCode: 400,
      code: 'SL_ERR_BAD_ENCODING',
    });
    const notProto = Buffer.from(compress(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f])));
    expect(errorOf(() => decodeWriteRequest(notProto, 1 << 20))).toMatchObject({
      statusCode: 400,
      code: 'SL_ERR_BAD_PROTOBUF',
    });
    const big = Buffer.from(compress(Buffer.alloc(100_000)));
    expect(big.length).toBeLessThan(10_000);
    expect(errorOf(() => decodeWriteRequest(big, 10_000))).toMatchObject({ statusCode: 413 });
  });

  it('takes remote write 1.0 headers only', () => {
    expect(() => checkWriteHeaders('application/x-protobuf', 'snappy')).not.toThrow();
    expect(() =>
      checkWriteHeaders('application/x-protobuf;proto=prometheus.WriteRequest', 'snappy'),
    ).not.toThrow();
    expect(
      errorOf(() =>
        checkWriteHeaders('application/x-protobuf;proto=io.prometheus.write.v2.Request', 'snappy'),
      ).statusCode,
    ).toBe(415);
    expect(errorOf(() => checkWriteHeaders('application/json', 'snappy')).statusCode).toBe(415);
    expect(errorOf(() => checkWriteHeaders('application/x-protobuf', 'gzip')).statusCode).toBe(415);
  });
});
