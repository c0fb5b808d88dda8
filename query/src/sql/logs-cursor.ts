import { SightlineError } from '@sightline/model/errors';
import { MAX_RANGE_MS, type TimeRange } from '../time-range.ts';
import type { RowPosition } from './logs-row.ts';

/**
 * Where the next page of a log search starts. It carries the last row's position in the total
 * order (Timestamp, ROW_KEY), how many exact copies of that row were returned already, the time
 * range of the first page (so a default "last 15 minutes" does not slide while paging) and a
 * fingerprint of `q` (so a cursor is not silently applied to another search). The next page is
 * every row strictly before the position, plus the copies of the last row not yet returned —
 * rows that arrive meanwhile land before or after the position, never in between, so there are
 * no gaps or repeats.
 */
export interface LogCursor {
  readonly position: RowPosition;
  /** Copies of the row at `position` already returned (1 unless exact duplicates were stored). */
  readonly copies: number;
  readonly range: TimeRange;
  /** fingerprint(q) of the search it pages through. */
  readonly qFingerprint: string;
}

/** Far past any real number of identical copies; bounds the rows a forged cursor can ask for. */
const MAX_COPIES = 100_000;
const UINT64_MAX = (1n << 64n) - 1n;

/** FNV-1a, 32 bits: enough to tell searches apart, not a security measure. */
export function fingerprint(q: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < q.length; i++) {
    h ^= q.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function encodeCursor(c: LogCursor): string {
  const payload = {
    v: 1,
    t: c.position.ts.toString(),
    k: c.position.key.toString(),
    n: c.copies,
    f: c.range.fromMs,
    o: c.range.toMs,
    q: c.qFingerprint,
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function unknownCursor(): SightlineError {
  return new SightlineError(
    'SL_ERR_CURSOR',
    400,
    'cursor: not a cursor this API made; start again without one',
  );
}

/** The cursor for search `q`; a 400 for anything else, including another search's cursor. */
export function decodeCursor(text: string, q: string): LogCursor {
  let p: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw unknownCursor();
    p = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw unknownCursor();
  }
  if (typeof p !== 'object' || p === null) throw unknownCursor();
  const { v, t, k, n, f, o, q: fp } = p as Record<string, unknown>;
  if (
    v !== 1 ||
    typeof t !== 'string' ||
    !/^\d{1,19}$/.test(t) ||
    typeof k !== 'string' ||
    !/^\d{1,20}$/.test(k) ||
    BigInt(k) > UINT64_MAX ||
    !Number.isSafeInteger(n) ||
    (n as number) < 1 ||
    (n as number) > MAX_COPIES ||
    !Number.isSafeInteger(f) ||
    !Number.isSafeInteger(o) ||
    (f as number) >= (o as number) ||
    (o as number) - (f as number) > MAX_RANGE_MS ||
    typeof fp !== 'string'
  ) {
    throw unknownCursor();
  }
  if (fp !== fingerprint(q)) {
    throw new SightlineError(
      'SL_ERR_CURSOR',
      400,
      'cursor: it belongs to a different q; start again without a cursor',
    );
  }
  return {
    position: { ts: BigInt(t), key: BigInt(k) },
    copies: n as number,
    range: { fromMs: f as number, toMs: o as number },
    qFingerprint: fp,
  };
}
