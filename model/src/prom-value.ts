/**
 * Sample values as Prometheus writes them in JSON. JSON has no NaN or infinity, so Prometheus'
 * HTTP API sends every value as a string: Go's shortest decimal without an exponent ("0.1",
 * "1000000000000000000000"), and "NaN", "+Inf", "-Inf". Sightline's own API keeps finite
 * values as JSON numbers and sends only these three as strings; null stays "no value here".
 */
export type SpecialValue = 'NaN' | '+Inf' | '-Inf';
/** A value in an API answer: a number, a NaN or infinity as Prometheus spells it, or no value. */
export type PointValue = number | SpecialValue | null;

/** Prometheus' spelling of a non-finite value; undefined for a finite one. */
export function specialValue(n: number): SpecialValue | undefined {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return undefined;
}

/** Digits and exponent → plain decimal: 1.5e-7 → 0.00000015, 1e21 → 1000000000000000000000. */
function withoutExponent(s: string): string {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, lead, rest = '', exp] = m;
  const digits = lead! + rest;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** A value as Prometheus' HTTP API writes it (`"value": [t, "<this>"]`). */
export function formatPromValue(n: number): string {
  const special = specialValue(n);
  if (special) return special;
  if (Object.is(n, -0)) return '-0';
  // JavaScript's shortest round-trip digits are Go's ('f', -1) digits; only the notation differs.
  return withoutExponent(String(n));
}

/** A computed value as Sightline's API sends it: non-finite ones as Prometheus' strings. */
export function toPointValue(n: number | null): PointValue {
  if (n === null) return null;
  return specialValue(n) ?? n;
}

/** A value read back from an answer (either API, or ClickHouse's quoted denormals) → a number. */
export function parsePointValue(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return null;
  switch (v.toLowerCase()) {
    case 'nan':
    case '-nan':
      return NaN;
    case '+inf':
    case 'inf':
      return Infinity;
    case '-inf':
      return -Infinity;
  }
  const n = Number(v);
  return v.trim() === '' || Number.isNaN(n) ? null : n;
}
