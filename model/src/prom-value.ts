/**
 * Sample values as Prometheus writes them in JSON. JSON has no NaN or infinity, so Prometheus'
 * HTTP API sends every value as a string: Go's shortest decimal ("0.1", "1e+21"), and "NaN",
 * "+Inf", "-Inf". Sightline's own API keeps finite
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

/**
 * A value as Prometheus's HTTP API writes it: NaN, +Inf and -Inf by name; otherwise the shortest
 * digits that read back to the same double (JavaScript's and Go's agree), in plain notation, or
 * with an exponent of at least two digits below 1e-6 and from 1e21 (1.5e-07, 1e+21).
 */
export function formatPromValue(n: number): string {
  const special = specialValue(n);
  if (special) return special;
  if (Object.is(n, -0)) return '-0';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    const [mantissa, exp] = n.toExponential().split('e') as [string, string];
    const digits = exp.replace(/^[+-]/, '');
    return `${mantissa}e${exp.startsWith('-') ? '-' : '+'}${digits.padStart(2, '0')}`;
  }
  // Between 1e-6 and 1e21, JavaScript writes plain notation, as Go's 'f' format does.
  return String(n);
}

/** A value for Sightline's own answers: finite values stay numbers. */
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
