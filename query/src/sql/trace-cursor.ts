import { SightlineError } from '@sightline/model/errors';
import type { TimeRangeNs } from './trace-time-range.ts';

/**
 * Where a trace-search page ended: the last trace's (start, id), the sort key of the listing.
 * The window travels too, so a client that relies on the default "last hour" keeps paging over
 * the same hour instead of one that slides forward and skips the oldest traces.
 */
export interface TraceCursor {
  readonly start: bigint;
  readonly traceId: string;
  readonly range: TimeRangeNs;
}

interface CursorJson {
  s: string;
  t: string;
  f: string;
  u: string;
}

const DIGITS = /^\d{1,20}$/;
const TRACE_ID = /^[0-9a-f]{32}$/;
const INT64_MAX = (1n << 63n) - 1n;

export class CursorError extends SightlineError {
  constructor(detail: string) {
    super('SL_ERR_INVALID_CURSOR', 400, `cursor: ${detail}; pass nextCursor from a previous page`);
    this.name = 'CursorError';
  }
}

export function encodeTraceCursor(cursor: TraceCursor): string {
  const json: CursorJson = {
    s: cursor.start.toString(),
    t: cursor.traceId,
    f: cursor.range.from.toString(),
    u: cursor.range.to.toString(),
  };
  return Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
}

export function decodeTraceCursor(text: string): TraceCursor {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new CursorError('not base64url');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('not a cursor this server issued');
  }
  if (typeof json !== 'object' || json === null) throw new CursorError('not an object');
  const { s, t, f, u } = json as Partial<Record<keyof CursorJson, unknown>>;
  const int = (v: unknown): bigint | null =>
    typeof v === 'string' && DIGITS.test(v) && BigInt(v) <= INT64_MAX ? BigInt(v) : null;
  const start = int(s);
  const from = int(f);
  const to = int(u);
  if (start === null || from === null || to === null || typeof t !== 'string' || !TRACE_ID.test(t))
    throw new CursorError('fields missing or malformed');
  if (from >= to) throw new CursorError('empty time range');
  return { start, traceId: t, range: { from, to } };
}
