import { describe, expect, it } from 'vitest';
import { ItemError } from './item-error.ts';
import { attributes, hexId, i64, nanos, u64, TRUNCATED_MARKER, type MapLimits } from './values.ts';

const limits: MapLimits = { maxValueLength: 8, maxAttributes: 2, maxDepth: 2 };
const long = (low: number, high: number, unsigned: boolean) => ({ low, high, unsigned });

describe('OTLP value conversion', () => {
  it('reads protobuf 64-bit integers exactly, beyond 2^53', () => {
    // 1700000000123456789 = 0x17979cfe3d85cd15
    expect(u64(long(0x3d85cd15, 0x17979cfe, true), 'x')).toBe('1700000000123456789');
    expect(u64(long(-1, -1, true), 'x')).toBe('18446744073709551615');
    expect(i64(long(-1, -1, false), 'x')).toBe('-1');
    expect(u64('00042', 'x')).toBe('42');
    expect(() => u64('18446744073709551616', 'span', 'count')).toThrow(
      'span.count: expected an unsigned 64-bit integer',
    );
    expect(() => u64(-1, 'x')).toThrow(ItemError);
  });

  it('writes timestamps as 19 digits, which ClickHouse reads as nanoseconds', () => {
    expect(nanos(0, 'x')).toBe('0000000000000000000');
    expect(nanos('1000000000', 'x')).toBe('0000000001000000000');
    expect(nanos('1700000000123456789', 'x')).toBe('1700000000123456789');
    expect(() => nanos('9300000000000000000', 'span', 'startTimeUnixNano')).toThrow(
      'span.startTimeUnixNano: is after the year 2262',
    );
  });

  it('turns ids into lowercase hex and names the field when the length is wrong', () => {
    expect(hexId(Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'), 16, 'x')).toBe(
      '0af7651916cd43dd8448eb211c80319c',
    );
    expect(hexId('B7AD6B7169203331', 8, 'x')).toBe('b7ad6b7169203331');
    expect(hexId(new Uint8Array(0), 8, 'x')).toBe('');
    expect(() => hexId(Buffer.alloc(3), 8, 'spans[0]', 'spanId')).toThrow(
      'spans[0].spanId: expected 8 bytes, got 3',
    );
    expect(() => hexId('xyz', 8, 'spans[0]', 'spanId')).toThrow('expected 16 hex characters');
  });

  it('stores attribute values as text, cut long ones with a marker, and counts the ones over the limit', () => {
    const attrs = attributes(
      [
        { key: 'a', value: { stringValue: '123456789' } },
        {
          key: 'b',
          value: {
            kvlistValue: {
              values: [
                {
                  key: 'n',
                  value: {
                    arrayValue: { values: [{ arrayValue: { values: [{ intValue: 1 }] } }] },
                  },
                },
              ],
            },
          },
        },
        { key: 'c', value: { boolValue: true } },
        { key: 'd', value: { doubleValue: 1.5 } },
      ],
      { ...limits, maxValueLength: 100 },
      'resource',
      'attributes',
    );
    expect(attrs).toEqual({
      a: '123456789',
      b: `{"n":[["${TRUNCATED_MARKER}"]]}`,
      'sightline.dropped_attributes': '2',
    });
    expect(
      attributes([{ key: 'a', value: { stringValue: '123456789' } }], limits, 'r', 'attributes'),
    ).toEqual({
      a: `12345678${TRUNCATED_MARKER}`,
    });
    expect(() => attributes([{ key: 5 }], limits, 'span', 'attributes')).toThrow(
      'span.attributes[0].key: expected a string',
    );
  });
});
