import { describe, expect, it } from 'vitest';
import { BinaryWriter } from './row-binary.ts';

describe('BinaryWriter.int64', () => {
  it('writes any decimal 64-bit integer as the same bytes BigInt gives', () => {
    const cases = [
      '0',
      '1',
      '999999999',
      '1000000000',
      '4294967295',
      '4294967296',
      '9007199254740993',
    ];
    cases.push(
      '1700000000123456789',
      '0000000000000000001',
      '9223372036854775807',
      '9999999999999999999',
    );
    cases.push('18446744073709551615', '-1', '-9223372036854775808');
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 48271) % 2147483647;
      const digits = 1 + (seed % 19);
      cases.push(
        String(seed * 1e9 + (i % 1e9))
          .padStart(digits, '0')
          .slice(-digits),
      );
    }
    for (const c of cases) {
      const w = new BinaryWriter(1);
      w.int64(c);
      const want = Buffer.alloc(8);
      want.writeBigUInt64LE(BigInt.asUintN(64, BigInt(c)));
      expect(w.bytes().toString('hex'), c).toBe(want.toString('hex'));
    }
  });
});
