import { SightlineError } from '@sightline/model/errors';
import { autoStepSeconds, bucketCount, formatSeconds } from '@sightline/model/steps';

export { autoStepSeconds, bucketCount, formatSeconds };

/**
 * Time ranges and steps as every query route takes them: `from`/`to` as ISO-8601 or epoch
 * milliseconds, `step` as `30s`/`5m`/`1h`/`1d` or plain seconds. A range is half-open,
 * `[from, to)`, so adjacent ranges and histogram buckets never count a row twice.
 */
export interface TimeRange {
  /** Inclusive, epoch milliseconds. */
  readonly fromMs: number;
  /** Exclusive, epoch milliseconds. */
  readonly toMs: number;
}

export interface TimeRangeOptions {
  /** Defaults to `Date.now()`; passed in by tests. */
  readonly nowMs?: number;
  /** Length of the range when `from` is not given. */
  readonly defaultRangeMs?: number;
  readonly maxRangeMs?: number;
}

export const DEFAULT_RANGE_MS = 15 * 60_000;
export const MAX_RANGE_MS = 31 * 86_400_000;

/** Below this an epoch value is almost surely seconds (it would be March 1973 in ms). */
const MIN_EPOCH_MS = 100_000_000_000;
/** 2100-01-01: ClickHouse DateTime ends in 2106, and nothing sane lives past this. */
const MAX_EPOCH_MS = 4_102_444_800_000;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?))?$/;

function rangeError(message: string): SightlineError {
  return new SightlineError('SL_ERR_TIME_RANGE', 400, message);
}

/**
 * One instant, as epoch milliseconds. Date-times must carry a zone (`Z` or `±hh:mm`): a bare
 * local time would mean something different on every server. Digits beyond milliseconds are
 * truncated. A bare date is midnight UTC.
 */
export function parseTime(value: string, param: string): number {
  const text = value.trim();
  let ms: number;
  if (/^\d{1,16}$/.test(text)) {
    ms = Number(text);
    if (ms < MIN_EPOCH_MS) {
      throw rangeError(
        `${param}: ${text} looks like seconds; expected epoch milliseconds or ISO-8601`,
      );
    }
  } else {
    const m = ISO.exec(text);
    if (!m) {
      throw rangeError(
        `${param}: '${value}' is not a time; expected ISO-8601 with a zone (2024-05-01T12:00:00Z) or epoch milliseconds`,
      );
    }
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    const parts = [y, mo, d, h ?? '0', mi ?? '0', s ?? '0'].map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const [year, month, day, hour, minute, second] = parts;
    const utc = Date.UTC(year, month - 1, day, hour, minute, second);
    const date = new Date(utc);
    if (
      month < 1 ||
      date.getUTCMonth() !== month - 1 ||
      date.getUTCDate() !== day ||
      hour > 23 ||
      minute > 59 ||
      second > 59
    ) {
      throw rangeError(`${param}: '${value}' is not a valid date and time`);
    }
    ms = utc + Number((frac ?? '').slice(0, 3).padEnd(3, '0')) - zoneOffsetMs(zone, param, value);
  }
  if (ms < MIN_EPOCH_MS || ms >= MAX_EPOCH_MS) {
    throw rangeError(`${param}: '${value}' is out of range (1973 to 2099)`);
  }
  return ms;
}

function zoneOffsetMs(zone: string | undefined, param: string, value: string): number {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) throw rangeError(`${param}: '${value}' has an invalid zone`);
  return sign * (hours * 60 + minutes) * 60_000;
}

/**
 * `[from, to)` from optional query parameters: `to` defaults to now, `from` to `to` minus the
 * default length. The range must be non-empty and no longer than the maximum.
 */
export function parseTimeRange(
  input: { readonly from?: string | undefined; readonly to?: string | undefined },
  opts: TimeRangeOptions = {},
): TimeRange {
  const toMs = input.to === undefined ? (opts.nowMs ?? Date.now()) : parseTime(input.to, 'to');
  const fromMs =
    input.from === undefined
      ? toMs - (opts.defaultRangeMs ?? DEFAULT_RANGE_MS)
      : parseTime(input.from, 'from');
  if (fromMs >= toMs) {
    throw rangeError(
      `from (${new Date(fromMs).toISOString()}) must be before to (${new Date(toMs).toISOString()})`,
    );
  }
  const max = opts.maxRangeMs ?? MAX_RANGE_MS;
  if (toMs - fromMs > max) {
    throw rangeError(
      `from/to span ${formatSeconds(Math.ceil((toMs - fromMs) / 1000))}; at most ${formatSeconds(max / 1000)} may be queried at once`,
    );
  }
  return { fromMs, toMs };
}

const STEP = /^(\d{1,7})([smhd]?)$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };

/** `30s`, `5m`, `1h`, `1d` or a whole number of seconds; at least one second. */
export function parseStep(value: string, param = 'step'): number {
  const m = STEP.exec(value.trim());
  const seconds = m ? Number(m[1]) * (UNIT_SECONDS[m[2] ?? ''] ?? 1) : 0;
  if (seconds < 1) {
    throw new SightlineError(
      'SL_ERR_STEP',
      400,
      `${param}: '${value}' is not a step; expected a whole number with s, m, h or d (30s, 5m, 1h) or seconds, at least 1s`,
    );
  }
  return seconds;
}

/** Start of every epoch-aligned bucket the range touches, in epoch milliseconds. */
export function bucketStartsMs(range: TimeRange, stepSeconds: number): number[] {
  const stepMs = stepSeconds * 1000;
  const first = Math.floor(range.fromMs / stepMs) * stepMs;
  return Array.from({ length: bucketCount(range, stepSeconds) }, (_, i) => first + i * stepMs);
}

export interface StepOptions {
  /** Upper bound for an automatic step's bucket count. */
  readonly autoBuckets?: number;
  /** Upper bound for an explicit step's bucket count. */
  readonly maxBuckets?: number;
}

/** The given step (checked against the bucket cap) or an automatic one. */
export function resolveStep(
  step: string | undefined,
  range: TimeRange,
  opts: StepOptions = {},
): number {
  if (step === undefined || step === '') return autoStepSeconds(range, opts.autoBuckets ?? 120);
  const seconds = parseStep(step);
  const count = bucketCount(range, seconds);
  const max = opts.maxBuckets ?? 2000;
  if (count > max) {
    throw new SightlineError(
      'SL_ERR_STEP',
      400,
      `step: ${formatSeconds(seconds)} over this range makes ${count} buckets; at most ${max} (use a larger step or leave it out)`,
    );
  }
  return seconds;
}

export const msToNanos = (ms: number): bigint => BigInt(ms) * 1_000_000n;
