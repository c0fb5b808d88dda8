import type { Attributes } from '@sightline/model/rows';
import { ItemError } from './item-error.ts';

export interface MapLimits {
  /** Longer attribute values and bodies are cut and marked, never rejected. */
  readonly maxValueLength: number;
  readonly maxAttributes: number;
  /** Deeper nested AnyValues are replaced by a marker (hostile input must not blow the stack). */
  readonly maxDepth: number;
  /**
   * Receive only: how far from now an item's time may be. Data older than its signal's retention
   * would be deleted at once, and data far in the future could never be found: both are refused
   * as partial success. Unset (Kafka ingest): what receive accepted is stored whatever its time.
   */
  readonly timeWindow?: TimeWindow;
  /** The window as absolute nanoseconds for the request being mapped (set by `toRows`). */
  readonly acceptedTimes?: AcceptedTimes;
}

export interface TimeWindow {
  readonly futureMs: number;
  readonly pastMs: { readonly traces: number; readonly logs: number; readonly metrics: number };
}

export interface AcceptedTimes {
  readonly minNanos: bigint;
  readonly maxNanos: bigint;
  /** How the window is told in an error: `from 2026-12-01T… to 2026-12-08T…`. */
  readonly text: string;
}

const NS_PER_MS = 1_000_000n;

/** The accepted window of `signal` around `nowMs`. */
export function acceptedTimes(
  window: TimeWindow,
  signal: keyof TimeWindow['pastMs'],
  nowMs: number,
): AcceptedTimes {
  const min = nowMs - window.pastMs[signal];
  const max = nowMs + window.futureMs;
  const days = Math.round(window.pastMs[signal] / 86_400_000);
  return {
    minNanos: BigInt(min) * NS_PER_MS,
    maxNanos: BigInt(max) * NS_PER_MS,
    text: `from ${new Date(min).toISOString()} (the ${days}-day ${signal} retention) to ${new Date(max).toISOString()} (${Math.round(window.futureMs / 60_000)} min ahead of this server's clock)`,
  };
}

/** An item's own time (`nanos` output) outside the accepted window is rejected, naming it. */
export function checkTime(ts: string, limits: MapLimits, at: string, field: string): void {
  const w = limits.acceptedTimes;
  if (!w) return;
  const t = BigInt(ts);
  if (t >= w.minNanos && t <= w.maxNanos) return;
  const when = new Date(Number(t / NS_PER_MS)).toISOString();
  throw new ItemError(
    where(at, field),
    `${when} is outside the accepted time window, ${w.text}; check the sender's clock`,
  );
}

export const DEFAULT_LIMITS: MapLimits = {
  maxValueLength: 32_768,
  maxAttributes: 512,
  maxDepth: 16,
};

export const TRUNCATED_MARKER = '…[truncated]';
const DROPPED_KEY = 'sightline.dropped_attributes';

type Obj = Record<string, unknown>;

/**
 * Where a value sits in the request, for error messages. Built only when something is wrong: the
 * happy path handles millions of values a second and must not concatenate strings for each.
 */
const where = (at: string, field?: string): string => (field === undefined ? at : `${at}.${field}`);

export const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An optional repeated field: absent → [], an array → itself, anything else → the error. */
export function list(v: unknown, at: string, field?: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ItemError(where(at, field), 'expected an array');
  return v;
}

export function optObj(v: unknown, at: string, field?: string): Obj {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new ItemError(where(at, field), 'expected an object');
  return v;
}

export function str(v: unknown, at: string, field?: string): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new ItemError(where(at, field), 'expected a string');
  return v;
}

export function num(v: unknown, at: string, field?: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  // Proto3's JSON mapping spells the non-finite doubles "NaN", "Infinity" and "-Infinity".
  if (v === 'NaN') return NaN;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (isLong(v)) return Number(longToBigInt(v));
  throw new ItemError(where(at, field), 'expected a number');
}

export function bool(v: unknown, at: string, field?: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new ItemError(where(at, field), 'expected a boolean');
  return v;
}

interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
}

const isLong = (v: unknown): v is LongLike =>
  isObj(v) && typeof v.low === 'number' && typeof v.high === 'number';

const DIGITS = /^\d{1,20}$/;
const SIGNED = /^-?\d{1,20}$/;
const UINT64_MAX = 18446744073709551615n;

// Faster than Long#toString, which divides in JavaScript.
const longToBigInt = (v: LongLike): bigint => {
  const u = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return v.unsigned ? u : BigInt.asIntN(64, u);
};

/** A fixed64/uint64 (protobuf Long, JSON string or number) as a decimal string. */
export function u64(v: unknown, at: string, field?: string): string {
  if (v === undefined || v === null) return '0';
  if (isLong(v)) return BigInt.asUintN(64, longToBigInt(v)).toString();
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new ItemError(where(at, field), 'expected an unsigned integer');
    }
    return String(v);
  }
  if (typeof v === 'string' && DIGITS.test(v) && BigInt(v) <= UINT64_MAX) {
    return v.length > 1 ? String(BigInt(v)) : v;
  }
  throw new ItemError(
    where(at, field),
    'expected an unsigned 64-bit integer (a decimal string or number)',
  );
}

const MAX_DATETIME64_NANOS = 9223372036854775807n; // DateTime64(9) is a signed 64-bit count: year 2262

/**
 * A point in time for a DateTime64(9) column: nanoseconds as exactly 19 digits. ClickHouse reads a
 * 19-digit string as ticks, but shorter digit strings as seconds or even dates ("0" fails, "1" is
 * read as a date), so zero and early times are padded.
 */
export function nanos(v: unknown, at: string, field?: string): string {
  const s = u64(v, at, field);
  if (s.length > 19 || (s.length === 19 && BigInt(s) > MAX_DATETIME64_NANOS)) {
    throw new ItemError(
      where(at, field),
      'is after the year 2262, beyond what a timestamp can hold',
    );
  }
  return s.padStart(19, '0');
}

/** An int64 as a decimal string. */
export function i64(v: unknown, at: string, field?: string): string {
  if (v === undefined || v === null) return '0';
  if (isLong(v)) return longToBigInt(v).toString();
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (typeof v === 'string' && SIGNED.test(v)) return String(BigInt(v));
  throw new ItemError(where(at, field), 'expected a 64-bit integer');
}

const HEX = /^[0-9a-fA-F]*$/;

/**
 * Trace/span ids: protobuf bytes or OTLP/JSON hex strings → lowercase hex. Empty is allowed (a root
 * span's parent, a log without trace context); any other length is an error.
 */
export function hexId(v: unknown, bytes: number, at: string, field?: string): string {
  if (v === undefined || v === null) return '';
  if (v instanceof Uint8Array) {
    if (v.length === 0) return '';
    if (v.length !== bytes) {
      throw new ItemError(where(at, field), `expected ${bytes} bytes, got ${v.length}`);
    }
    return Buffer.from(v.buffer, v.byteOffset, v.length).toString('hex');
  }
  if (typeof v === 'string') {
    if (v === '') return '';
    if (v.length !== bytes * 2 || !HEX.test(v)) {
      throw new ItemError(where(at, field), `expected ${bytes * 2} hex characters`);
    }
    return v.toLowerCase();
  }
  throw new ItemError(where(at, field), 'expected a hex string');
}

export function truncate(s: string, limits: MapLimits): string {
  if (s.length <= limits.maxValueLength) return s;
  return s.slice(0, limits.maxValueLength) + TRUNCATED_MARKER;
}

/** An AnyValue as the text stored in a Map(String, String) cell, as the OTel exporter stores it. */
export function anyValueToString(
  v: unknown,
  limits: MapLimits,
  at: string,
  field?: string,
): string {
  if (v === undefined || v === null) return '';
  if (!isObj(v)) throw new ItemError(where(at, field), 'expected an AnyValue object');
  if (typeof v.stringValue === 'string') return truncate(v.stringValue, limits);
  // A scalar is its own text, as the OTel exporter stores it (an int64 beyond 2^53 or bytes in
  // base64 unquoted); arrays and maps are JSON.
  const json = anyValueToJson(v, limits, where(at, field), 0);
  return truncate(typeof json === 'string' ? json : (JSON.stringify(json) ?? ''), limits);
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function anyValueToJson(v: unknown, limits: MapLimits, path: string, depth: number): Json {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) throw new ItemError(path, 'expected an AnyValue object');
  if (depth > limits.maxDepth) return TRUNCATED_MARKER;
  if (v.stringValue !== undefined && v.stringValue !== null) return str(v.stringValue, path);
  if (v.boolValue !== undefined && v.boolValue !== null) return bool(v.boolValue, path);
  if (v.intValue !== undefined && v.intValue !== null) {
    const s = i64(v.intValue, path);
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : s;
  }
  if (v.doubleValue !== undefined && v.doubleValue !== null) {
    const d = num(v.doubleValue, path);
    return Number.isFinite(d) ? d : String(d);
  }
  if (v.bytesValue !== undefined && v.bytesValue !== null) {
    if (v.bytesValue instanceof Uint8Array) return Buffer.from(v.bytesValue).toString('base64');
    return str(v.bytesValue, path);
  }
  if (v.arrayValue !== undefined && v.arrayValue !== null) {
    const values = list(optObj(v.arrayValue, path).values, `${path}.arrayValue.values`);
    return values.map((x, i) =>
      anyValueToJson(x, limits, `${path}.arrayValue.values[${i}]`, depth + 1),
    );
  }
  if (v.kvlistValue !== undefined && v.kvlistValue !== null) {
    const values = list(optObj(v.kvlistValue, path).values, `${path}.kvlistValue.values`);
    const out: { [k: string]: Json } = {};
    values.forEach((kv, i) => {
      const p = `${path}.kvlistValue.values[${i}]`;
      const o = optObj(kv, p);
      out[str(o.key, `${p}.key`)] = anyValueToJson(o.value, limits, `${p}.value`, depth + 1);
    });
    return out;
  }
  return null;
}

/** KeyValue list → Map cell. Beyond the attribute limit the rest are counted, not stored. */
export function attributes(v: unknown, limits: MapLimits, at: string, field: string): Attributes {
  const out: Attributes = {};
  const kvs = list(v, at, field);
  let kept = 0;
  let dropped = 0;
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i];
    if (!isObj(kv)) throw new ItemError(`${where(at, field)}[${i}]`, 'expected an object');
    const rawKey = kv.key;
    if (typeof rawKey !== 'string')
      throw new ItemError(`${where(at, field)}[${i}].key`, 'expected a string');
    const key = truncate(rawKey, limits);
    const isNew = !Object.hasOwn(out, key);
    if (isNew && kept >= limits.maxAttributes) {
      dropped++;
      continue;
    }
    if (isNew) kept++;
    const value = kv.value;
    out[key] =
      isObj(value) && typeof value.stringValue === 'string'
        ? truncate(value.stringValue, limits)
        : anyValueToString(value, limits, `${where(at, field)}[${i}]`, 'value');
  }
  if (dropped > 0) out[DROPPED_KEY] = String(dropped);
  return out;
}

/** A protobuf enum: number, or (leniently, in JSON) its name. */
export function enumValue(
  v: unknown,
  names: readonly string[],
  at: string,
  field?: string,
): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const i = names.indexOf(v);
    if (i >= 0) return i;
  }
  throw new ItemError(where(at, field), `expected one of ${names.join(', ')} or its number`);
}
