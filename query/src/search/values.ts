/**
 * Turning user-typed values into typed query parameters: LIKE patterns, numbers, durations and
 * severity levels. Pure functions; nothing here builds SQL text.
 */

/** Escapes LIKE/ILIKE metacharacters so the user's `%`, `_` and `\` match themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** `*`-separated literal pieces → an ILIKE pattern; `anchored: false` adds `%` at both ends. */
export function likePattern(parts: readonly string[], anchored: boolean): string {
  const body = parts.map(escapeLike).join('%');
  return anchored ? body : `%${body}%`;
}

/** Decimal or exponent notation only: no hex, no `inf`/`nan`, no surrounding spaces. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseNumber(text: string): number | null {
  if (!NUMBER.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/**
 * Nanoseconds per unit. A bare number is milliseconds: it is the unit people read in trace
 * views and the one other Lucene-style trace searches use, so `duration:>500` means 500 ms.
 */
const NS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek small letter mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

export const DEFAULT_DURATION_UNIT = 'ms';

const DURATION = /^(\d{1,30})?(?:\.(\d{1,30}))?(ns|us|µs|μs|ms|s|m|h)?$/;

const UINT64_MAX = (1n << 64n) - 1n;

/**
 * A duration in whole nanoseconds, rounded both ways: `floor` and `ceil` differ when the value
 * has a fraction of a nanosecond, which lets `>`/`>=`/`<`/`<=` stay exact on the integer column.
 * `null` for anything that is not a non-negative number with an optional unit, or past UInt64.
 */
export function parseDurationNs(text: string): { floor: bigint; ceil: bigint } | null {
  const match = DURATION.exec(text);
  if (!match) return null;
  const [, whole = '', fraction = '', unit = DEFAULT_DURATION_UNIT] = match;
  if (whole === '' && fraction === '') return null;
  const perUnit = NS_PER_UNIT[unit];
  if (perUnit === undefined) return null;
  const scale = 10n ** BigInt(fraction.length);
  const numerator = BigInt(whole || '0') * scale * perUnit + BigInt(fraction || '0') * perUnit;
  const floor = numerator / scale;
  const ceil = numerator % scale === 0n ? floor : floor + 1n;
  if (ceil > UINT64_MAX) return null;
  return { floor, ceil };
}

/** A severity class: OpenTelemetry SeverityNumber range plus the SeverityText spellings for it. */
export interface SeverityLevel {
  name: string;
  min: number;
  max: number;
  aliases: readonly string[];
}

/** From the OpenTelemetry log data model (TRACE 1–4 … FATAL 21–24). */
export const SEVERITY_LEVELS: readonly SeverityLevel[] = [
  { name: 'trace', min: 1, max: 4, aliases: ['trace', 'trc', 'verbose', 'vrb'] },
  { name: 'debug', min: 5, max: 8, aliases: ['debug', 'dbg'] },
  { name: 'info', min: 9, max: 12, aliases: ['info', 'information', 'informational', 'inf'] },
  { name: 'warn', min: 13, max: 16, aliases: ['warn', 'warning', 'wrn'] },
  { name: 'error', min: 17, max: 20, aliases: ['error', 'err'] },
  { name: 'fatal', min: 21, max: 24, aliases: ['fatal', 'critical', 'crit', 'panic', 'ftl'] },
];

export function findSeverityLevel(text: string): SeverityLevel | undefined {
  const lower = text.toLowerCase();
  return SEVERITY_LEVELS.find((level) => level.aliases.includes(lower));
}

/** A SeverityNumber written as digits (0–255, the UInt8 column's range). */
export function parseSeverityNumber(text: string): number | null {
  if (!/^\d{1,3}$/.test(text)) return null;
  const value = Number(text);
  return value <= 255 ? value : null;
}
