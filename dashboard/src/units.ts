/**
 * Values by unit. Units are UCUM as OpenTelemetry writes them (`ms`, `s`, `By`, `1`, `%`,
 * `{requests}/s`): durations scale to the largest unit that keeps the number ≥ 1, bytes use binary
 * prefixes (1 KiB = 1024 B), `1` within 0–1 is a share shown as 0–100 %, `…/s` is a rate per second, and
 * `{thing}` annotations are counts of that thing.
 */

export type UnitKind = 'duration' | 'bytes' | 'percent' | 'ratio' | 'count';

export interface ParsedUnit {
  readonly kind: UnitKind;
  /** Duration: seconds per unit; bytes: bytes per unit; else 1. */
  readonly base: number;
  /** Per second. */
  readonly rate: boolean;
  /** What a count counts (`requests`), or an unknown unit as written. */
  readonly label: string;
}

const DURATIONS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  min: 60,
  h: 3600,
  d: 86_400,
};
const BYTES: Record<string, number> = {
  By: 1,
  KiBy: 1024,
  MiBy: 1024 ** 2,
  GiBy: 1024 ** 3,
  kBy: 1000,
  MBy: 1e6,
  GBy: 1e9,
  bytes: 1,
};

export function parseUnit(unit: string): ParsedUnit {
  let u = unit.trim();
  let rate = false;
  if (u.endsWith('/s')) {
    rate = true;
    u = u.slice(0, -2);
  }
  const duration = DURATIONS[u];
  if (duration !== undefined) return { kind: 'duration', base: duration, rate, label: '' };
  const bytes = BYTES[u];
  if (bytes !== undefined) return { kind: 'bytes', base: bytes, rate, label: '' };
  if (u === '%') return { kind: 'percent', base: 1, rate, label: '' };
  if (u === '1' && !rate) return { kind: 'ratio', base: 1, rate, label: '' };
  const annotation = /^\{(.*)\}$/.exec(u);
  return {
    kind: 'count',
    base: 1,
    rate,
    label: annotation ? (annotation[1] ?? '') : u === '1' ? '' : u,
  };
}

/** Display scale for values up to `maxAbs` (in the unit as stored): divide by `factor`, append `suffix`. */
export interface Scale {
  readonly factor: number;
  readonly suffix: string;
}

const DURATION_STEPS: [number, string][] = [
  [86_400, ' d'],
  [3600, ' h'],
  [60, ' min'],
  [1, ' s'],
  [1e-3, ' ms'],
  [1e-6, ' µs'],
  [1e-9, ' ns'],
];
const BYTE_STEPS: [number, string][] = [
  [1024 ** 4, ' TiB'],
  [1024 ** 3, ' GiB'],
  [1024 ** 2, ' MiB'],
  [1024, ' KiB'],
  [1, ' B'],
];
const COUNT_STEPS: [number, string][] = [
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
];

export function scaleFor(unit: string, maxAbs: number): Scale {
  const p = parseUnit(unit);
  const per = p.rate ? '/s' : '';
  const pick = (steps: [number, string][], base: number, tail: string): Scale => {
    const inBase = Math.abs(maxAbs) * base;
    // Zero (or no data) reads in the unit as stored: `0 ms`, not `0 ns`.
    const found =
      (inBase === 0
        ? steps.find(([size]) => size <= base)
        : steps.find(([size]) => inBase >= size)) ?? steps[steps.length - 1]!;
    return { factor: found[0] / base, suffix: found[1] + tail };
  };
  switch (p.kind) {
    case 'duration':
      return pick(DURATION_STEPS, p.base, per);
    case 'bytes':
      return pick(BYTE_STEPS, p.base, per);
    case 'percent':
      return { factor: 1, suffix: ` %${per}` };
    case 'ratio':
      // `1` is dimensionless: a share when the values stay within 0–1 (utilisation, error
      // rate), a plain number otherwise.
      return Math.abs(maxAbs) <= 1 ? { factor: 0.01, suffix: ' %' } : pick(COUNT_STEPS, 1, '');
    case 'count': {
      const s = pick(COUNT_STEPS, 1, '');
      const what = p.label ? ` ${p.label}` : '';
      return { factor: s.factor, suffix: `${s.suffix}${what}${per}` };
    }
  }
}

/** A number with at most 3 significant digits past the point, no trailing zeros. */
const short = (v: number): string => {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return String(Number(v.toFixed(digits)));
};

/** `1.5 s`, `12 MiB`, `3.2 %`, `240 requests/s`; `—` for no value. */
export function formatValue(v: number | null | undefined, unit: string, scale?: Scale): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const s = scale ?? scaleFor(unit, v);
  return `${short(v / s.factor)}${s.suffix}`;
}

/**
 * An axis tick: like formatValue, but what a count counts is left to the axis title
 * (`unitTitle`), so ticks stay short: `1.5k/s` under "requests/s".
 */
export function formatTickValue(v: number, unit: string, scale: Scale): string {
  const p = parseUnit(unit);
  if (p.kind !== 'count' || p.label === '') return formatValue(v, unit, scale);
  return formatValue(v, '', {
    factor: scale.factor,
    suffix: scale.suffix.replace(` ${p.label}`, ''),
  });
}

/** The axis title of a count unit (`requests/s`), or '' where the ticks carry the unit. */
export function unitTitle(unit: string): string {
  const p = parseUnit(unit);
  return p.kind === 'count' && p.label !== '' ? `${p.label}${p.rate ? '/s' : ''}` : '';
}

/** 1, 2 or 5 × a power of ten: the round step that gives about `count` ticks over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = raw / pow;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * pow;
}

/**
 * Round axis ticks for values in [min, max] of `unit`: round numbers in the display unit (0, 250,
 * 500 ms; 0, 512 KiB, 1 MiB, …). Ratios and percents stay within 0–100 %.
 */
export function niceTicks(min: number, max: number, unit: string, count = 4): number[] {
  const p = parseUnit(unit);
  const cap = p.kind === 'ratio' && max <= 1 ? 1 : p.kind === 'percent' ? 100 : Infinity;
  let lo = Math.min(0, min);
  let hi = Math.min(Math.max(max, lo), cap);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0];
  if (hi === lo) hi = lo + (cap === Infinity ? 1 : cap);
  const s = scaleFor(unit, Math.max(Math.abs(lo), Math.abs(hi)));
  const binary = p.kind === 'bytes';
  const spanScaled = (hi - lo) / s.factor;
  let step = niceStep(spanScaled, count);
  if (binary && step >= 1) step = 2 ** Math.ceil(Math.log2(step));
  lo = Math.floor(lo / s.factor / step) * step;
  const ticks: number[] = [];
  for (let t = lo; t <= hi / s.factor + step * 1e-9; t += step) {
    ticks.push(Number((t * s.factor).toPrecision(12)));
  }
  const last = ticks[ticks.length - 1] ?? 0;
  if (last < hi)
    ticks.push(Math.min(Number(((last / s.factor + step) * s.factor).toPrecision(12)), cap));
  return ticks;
}

/** The unit of a metric after aggregation: a rate is per second, a count has none. */
export function aggregatedUnit(unit: string, aggregation: string): string {
  if (aggregation === 'count') return '';
  if (aggregation === 'rate' && !unit.endsWith('/s'))
    return unit === '1' || unit === '' ? '/s' : `${unit}/s`;
  return unit;
}
