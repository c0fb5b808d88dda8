import { describe, expect, it } from 'vitest';
import { decodeTraceCursor, encodeTraceCursor, type TraceCursor } from './trace-cursor.ts';

const cursor: TraceCursor = {
  start: 1_714_564_800_123_456_789n,
  traceId: '0af7651916cd43dd8448eb211c80319c',
  range: { from: 1_714_561_200_000_000_000n, to: 1_714_564_800_000_000_000n },
};

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('trace cursor', () => {
  it('round-trips through URL-safe text', () => {
    const text = encodeTraceCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTraceCursor(text)).toEqual(cursor);
  });

  it('refuses anything it did not issue with SL_ERR_INVALID_CURSOR', () => {
    const good = { s: '1', t: cursor.traceId, f: '1', u: '2' };
    for (const text of [
      '',
      'not base64!',
      encode('just a string'),
      encode(null),
      encode({ ...good, s: 1 }),
      encode({ ...good, s: '-1' }),
      encode({ ...good, s: '99999999999999999999' }), // past Int64
      encode({ ...good, t: 'XYZ' }),
      encode({ ...good, t: cursor.traceId.toUpperCase() }),
      encode({ ...good, f: '2', u: '1' }),
      encode({ s: '1', t: cursor.traceId }),
      Buffer.from('{"s":').toString('base64url'),
    ]) {
      expect(() => decodeTraceCursor(text), text).toThrow(
        expect.objectContaining({ code: 'SL_ERR_INVALID_CURSOR', statusCode: 400 }),
      );
    }
    expect(decodeTraceCursor(encode(good)).start).toBe(1n);
  });
});
