import { randomBytes } from 'node:crypto';
import { compress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { SnappyError, snappyUncompress } from './snappy-block.ts';

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');
const errorOf = (f: () => unknown): SnappyError => {
  try {
    f();
  } catch (err) {
    if (err instanceof SnappyError) return err;
    throw err;
  }
  throw new Error('no error');
};

describe('snappy block decoding', () => {
  it('reads what snappyjs writes: empty, random, repeated and long inputs', () => {
    const inputs = [
      Buffer.alloc(0),
      randomBytes(1000),
      Buffer.from('ab'.repeat(5000)),
      Buffer.from('é non-ASCII ✓ '.repeat(300)),
      Buffer.concat([randomBytes(70_000), Buffer.alloc(70_000), randomBytes(300)]),
    ];
    for (const input of inputs)
      expect(Buffer.from(snappyUncompress(compress(input), 1 << 20))).toEqual(input);
  });

  it('reads every element kind, overlapping copies and 2- and 4-byte offsets included', () => {
    // length 12: literal "abc", copy-1 (len 4, offset 3), literal of length 2 given in one extra
    // byte "xy", copy-2 (len 2, offset 7), copy-4 (len 1, offset 1).
    const body = hex('0c 08616263 0103 f0 01 7879 06 0700 03 01000000');
    expect(Buffer.from(snappyUncompress(body, 100)).toString()).toBe('abcabcaxycaa');
  });

  it('refuses the 9 bytes that made snappyjs loop for ever (a literal length with its top bit)', () => {
    const err = errorOf(() => snappyUncompress(hex('39fc275447d10300aa'), 1 << 20));
    expect([err.tooLarge, err.message]).toEqual([false, expect.stringMatching(/^corrupt input/)]);
  });

  it('refuses a declared length above the limit before decoding, and names each malformation', () => {
    const big = errorOf(() => snappyUncompress(hex('ffffffff0f'), 1 << 20));
    expect([big.tooLarge, big.message]).toEqual([
      true,
      'the uncompressed length of 4294967295 bytes exceeds 1048576',
    ]);
    const cases: [string, RegExp][] = [
      ['', /varint\) is cut short/],
      ['ffffffffff01', /cut short or too long/],
      ['05 08616263', /corrupt input/],
      ['02 08616263', /corrupt input/],
      ['08 00 61 0504', /corrupt input/],
      ['08 00 61 060000', /corrupt input/],
      ['08 f4 ff', /corrupt input/],
      ['08 00 61 02 01', /corrupt input/],
    ];
    for (const [body, message] of cases) {
      const err = errorOf(() => snappyUncompress(hex(body), 1 << 20));
      expect(err.tooLarge).toBe(false);
      expect(err.message).toMatch(message);
    }
  });
});
