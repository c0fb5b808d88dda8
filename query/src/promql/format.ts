/** Prometheus's JSON rendering of sample values and the order of its series. */

/** A value as Prometheus writes it (one implementation, shared with the metrics API's tests). */
export { formatPromValue as formatValue } from '@sightline/model/prom-value';

/** A ClickHouse JSON float (quoted denormals: "nan", "inf", "-inf") as a number. */
export function readFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'nan' || v === '-nan') return NaN;
  if (v === 'inf' || v === '+inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

/** Seconds since the epoch as Prometheus writes a sample's time: a number, ms precision. */
export const formatTime = (ms: number): number => ms / 1000;

export type Labels = Record<string, string>;

/** Label sets ordered as Prometheus orders them: by sorted names, then values, pairwise. */
export function compareLabels(a: Labels, b: Labels): number {
  const ka = Object.keys(a).sort(byCodePoint);
  const kb = Object.keys(b).sort(byCodePoint);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const byName = byCodePoint(ka[i]!, kb[i]!);
    if (byName !== 0) return byName;
    const byValue = byCodePoint(a[ka[i]!]!, b[kb[i]!]!);
    if (byValue !== 0) return byValue;
  }
  return ka.length - kb.length;
}

/** Go's string order: bytes of UTF-8, which code points preserve. */
export function byCodePoint(a: string, b: string): number {
  if (a === b) return 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** A label set with its names in order, as Prometheus's JSON lists them. */
export function sortedLabels(ls: Labels): Labels {
  const out: Labels = {};
  for (const k of Object.keys(ls).sort(byCodePoint)) out[k] = ls[k]!;
  return out;
}
