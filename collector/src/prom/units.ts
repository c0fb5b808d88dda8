// Prometheus base units (as metadata UNIT lines and name suffixes spell them) → the UCUM codes
// OpenTelemetry uses, so remote-write and OTLP metrics label their axes alike.
const UCUM: Readonly<Record<string, string>> = {
  seconds: 's',
  bytes: 'By',
  ratio: '1',
};

// Parts of a family that follow its unit in a series name (`http_request_duration_seconds_bucket`).
const TRAILING = ['_total', '_bucket', '_count', '_sum', '_created', '_gcount', '_gsum'];

/**
 * The unit of a remote-write metric: the family's metadata unit when Prometheus sent one, else
 * the conventional `_seconds`, `_bytes` or `_ratio` suffix of its name, else none (`''`). A unit
 * with no UCUM counterpart here is kept as sent.
 */
export function unitOf(name: string, metadataUnit: string): string {
  if (metadataUnit !== '') return UCUM[metadataUnit] ?? metadataUnit;
  let base = name;
  for (const t of TRAILING) {
    if (base.endsWith(t)) {
      base = base.slice(0, -t.length);
      break;
    }
  }
  for (const [word, code] of Object.entries(UCUM)) if (base.endsWith(`_${word}`)) return code;
  return '';
}
