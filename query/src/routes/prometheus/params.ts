import { PromQLError } from '../../promql/errors.ts';

/**
 * The request parameters of the Prometheus HTTP API, read the way Prometheus reads them: the
 * form-encoded body first, then the query string (Go's `Request.ParseForm`), keys repeatable
 * (`match[]`), and times, durations and bounds as `web/api/v1` parses them.
 */
export class PromParams {
  private readonly values = new Map<string, string[]>();

  constructor(queryString: string, body?: string) {
    for (const source of [body, queryString]) {
      if (!source) continue;
      for (const [k, v] of new URLSearchParams(source)) {
        const list = this.values.get(k);
        if (list) list.push(v);
        else this.values.set(k, [v]);
      }
    }
  }

  /** The first value of `name` (Go's `FormValue`): '' when absent. */
  get(name: string): string {
    return this.values.get(name)?.[0] ?? '';
  }

  all(name: string): readonly string[] {
    return this.values.get(name) ?? [];
  }

  /** A time parameter; `fallback` when absent or empty. */
  time(name: string, fallback: number): number;
  time(name: string): number;
  time(name: string, fallback?: number): number {
    const v = this.get(name);
    if (v === '' && fallback !== undefined) return fallback;
    const ms = parsePromTime(v);
    if (ms === undefined) throw invalidParam(name, `cannot parse "${v}" to a valid timestamp`);
    return ms;
  }

  /** A duration parameter in milliseconds; undefined when absent or empty. */
  duration(name: string): number | undefined {
    const v = this.get(name);
    if (v === '') return undefined;
    const ms = parsePromDuration(v);
    if (typeof ms === 'string') throw invalidParam(name, ms);
    return ms;
  }

  /** `limit` (or `limit_per_metric`): a non-negative integer, 0 or absent meaning none. */
  limit(name = 'limit'): number {
    const v = this.get(name);
    if (v === '') return 0;
    if (!/^[+-]?\d+$/.test(v)) throw invalidParam(name, `cannot parse "${v}" to a valid limit`);
    const n = Number(v);
    if (n < 0) throw invalidParam(name, 'limit must be non-negative');
    // Prometheus reads a Go int; beyond 2^53 a double is no longer that integer.
    if (!Number.isSafeInteger(n)) throw invalidParam(name, `cannot parse "${v}" to a valid limit`);
    return n;
  }
}

export const invalidParam = (name: string, why: string): PromQLError =>
  new PromQLError('bad_data', `invalid parameter "${name}": ${why}`);

// What Go's strconv.ParseFloat takes in decimal form (no spaces, no hex, no 'inf'/'nan').
const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

// Prometheus' bounds of an unset start/end (its minTime/maxTime), which some clients send back.
export const MIN_TIME_MS = -9_223_309_901_257_974;
export const MAX_TIME_MS = 9_223_309_901_257_974;

/**
 * Unix seconds with decimals (rounded to the millisecond, as Prometheus does) or RFC 3339 (with
 * fractions truncated to the millisecond) → Unix milliseconds; undefined when neither.
 */
export function parsePromTime(v: string): number | undefined {
  if (FLOAT.test(v)) {
    const t = Number(v);
    if (!Number.isFinite(t)) return undefined;
    const whole = Math.trunc(t);
    return whole * 1000 + Math.round((t - whole) * 1000);
  }
  const m = RFC3339.exec(v);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone, sign, zh, zm] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  // Date.UTC rolls 31 February over into March; RFC 3339 does not.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  if (frac) ms += Number(frac.slice(1, 4).padEnd(3, '0'));
  if (zone !== 'Z' && zone !== 'z') {
    const offset = (Number(zh) * 60 + Number(zm)) * 60_000;
    ms += sign === '+' ? -offset : offset;
  }
  return ms;
}

const UNIT_MS: Record<string, number> = {
  y: 365 * 86_400_000,
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
// Prometheus' duration syntax: units largest first, each at most once ("1h30m", "90s", "0").
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const INT64_NS_MS = 9_223_372_036_854;

/**
 * Float seconds or a Prometheus duration (`5m`, `1h30m`, `100ms`) → milliseconds; a string saying
 * what is wrong otherwise. Sub-millisecond parts are rounded: Sightline's grid is in milliseconds.
 */
export function parsePromDuration(v: string): number | string {
  if (FLOAT.test(v)) {
    const ms = Number(v) * 1000;
    if (!Number.isFinite(ms) || Math.abs(ms) > INT64_NS_MS) {
      return `cannot parse "${v}" to a valid duration. It overflows int64`;
    }
    return Math.round(ms);
  }
  const m = v === '' ? null : DURATION.exec(v);
  if (!m) return `cannot parse "${v}" to a valid duration`;
  let ms = 0;
  const units = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  units.forEach((u, k) => {
    const n = m[k + 1];
    if (n !== undefined) ms += Number(n) * (UNIT_MS[u] ?? 0);
  });
  if (ms > INT64_NS_MS) return `cannot parse "${v}" to a valid duration. It overflows int64`;
  return ms;
}
