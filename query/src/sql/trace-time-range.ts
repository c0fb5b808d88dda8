import { SightlineError } from '@sightline/model/errors';

/** A query window in nanoseconds since the epoch: `from` inclusive, `to` exclusive. */
export interface TimeRangeNs {
  readonly from: bigint;
  readonly to: bigint;
}

export const DEFAULT_RANGE_NS = 3_600_000_000_000n; // 1 hour
export const MAX_RANGE_NS = 31n * 24n * DEFAULT_RANGE_NS; // 31 days

const NS_PER_MS = 1_000_000n;

const EPOCH_MS = /^\d{1,15}$/;

// Calendar date, optional time with optional fraction (up to ns), optional zone. No zone = UTC:
// the server's own time zone must never change what a URL means.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

export class TimeRangeError extends SightlineError {
  constructor(message: string) {
    super('SL_ERR_INVALID_TIME_RANGE', 400, message);
    this.name = 'TimeRangeError';
  }
}

/** An instant given as epoch milliseconds or ISO-8601, in nanoseconds; `null` if neither. */
export function parseInstantNs(text: string): bigint | null {
  if (EPOCH_MS.test(text)) return BigInt(text) * NS_PER_MS;
  const m = ISO.exec(text);
  if (!m) return null;
  const [, y, mo, d, hh = '0', mi = '0', ss = '0', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(hh);
  const minute = Number(mi);
  const second = Number(ss);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  // Date.UTC rolls over (Feb 30 → Mar 2); a date that does not round-trip does not exist.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return null;
  }
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const fractionNs = BigInt(frac.padEnd(9, '0'));
  return BigInt(ms - offsetMinutes * 60_000) * NS_PER_MS + fractionNs;
}

function instant(name: 'from' | 'to', text: string): bigint {
  const ns = parseInstantNs(text);
  if (ns === null) {
    throw new TimeRangeError(
      `${name}: expected ISO-8601 (e.g. 2024-05-01T12:00:00Z) or epoch milliseconds, got '${text}'`,
    );
  }
  if (ns < 0n) throw new TimeRangeError(`${name}: must not be before 1970-01-01, got '${text}'`);
  return ns;
}

/**
 * `from`/`to` query parameters → a checked window. Missing `to` is now, missing `from` is one hour
 * before `to`. The window must be non-empty and at most 31 days, so no request scans the whole store.
 */
export function resolveTimeRange(
  from: string | undefined,
  to: string | undefined,
  nowMs: number = Date.now(),
): TimeRangeNs {
  const toNs = to === undefined ? BigInt(nowMs) * NS_PER_MS : instant('to', to);
  const fromNs = from === undefined ? toNs - DEFAULT_RANGE_NS : instant('from', from);
  if (fromNs >= toNs) {
    throw new TimeRangeError(
      `from must be before to (from=${from ?? 'default'}, to=${to ?? 'now'})`,
    );
  }
  if (toNs - fromNs > MAX_RANGE_NS) {
    throw new TimeRangeError(
      `from..to spans more than 31 days (from=${from ?? 'default'}, to=${to ?? 'now'}); narrow the range`,
    );
  }
  return { from: fromNs < 0n ? 0n : fromNs, to: toNs };
}
