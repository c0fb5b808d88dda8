import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, fingerprint, type LogCursor } from './logs-cursor.ts';

const cursor: LogCursor = {
  position: { ts: 1_714_564_800_123_456_789n, key: 18_446_744_073_709_551_615n },
  copies: 2,
  range: { fromMs: 1_714_564_000_000, toMs: 1_714_564_900_000 },
  qFingerprint: fingerprint('level:error'),
};

function errorOf(fn: () => unknown): { code: string; statusCode: number; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; statusCode: number; message: string };
  }
  throw new Error('expected an error');
}

describe('log search cursor', () => {
  it('round-trips position, copies and range for the same q', () => {
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text, 'level:error')).toEqual(cursor);
  });

  it('is refused for another q', () => {
    const err = errorOf(() => decodeCursor(encodeCursor(cursor), 'level:warn'));
    expect(err).toMatchObject({ code: 'SL_ERR_CURSOR', statusCode: 400 });
    expect(err.message).toBe('cursor: it belongs to a different q; start again without a cursor');
  });

  it('is refused when it is not one of ours or was tampered with', () => {
    const forge = (patch: Record<string, unknown>) =>
      Buffer.from(
        JSON.stringify({
          v: 1,
          t: '1714564800123456789',
          k: '5',
          n: 1,
          f: 1_714_564_000_000,
          o: 1_714_564_900_000,
          q: fingerprint(''),
          ...patch,
        }),
      ).toString('base64url');
    expect(decodeCursor(forge({}), '').copies).toBe(1);
    for (const bad of [
      'garbage!',
      'bm90IGpzb24',
      Buffer.from('[]').toString('base64url'),
      forge({ v: 2 }),
      forge({ t: '-1' }),
      forge({ t: '99999999999999999999' }),
      forge({ k: '18446744073709551616' }),
      forge({ n: 0 }),
      forge({ n: 1e9 }),
      forge({ n: 1.5 }),
      forge({ f: 1_714_564_900_000 }),
      forge({ f: 0, o: 1e13 }),
      forge({ q: 1 }),
    ]) {
      expect(
        errorOf(() => decodeCursor(bad, '')),
        bad,
      ).toMatchObject({
        code: 'SL_ERR_CURSOR',
        statusCode: 400,
        message: 'cursor: not a cursor this API made; start again without one',
      });
    }
  });
});
