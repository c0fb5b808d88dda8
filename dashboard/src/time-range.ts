import { formatMinute } from './components/time-format.ts';

/** The dashboard's global time range: a sliding window ("last 1 h") or fixed bounds. */
export const RELATIVE_RANGES = {
  '15m': { label: 'Last 15 min', ms: 15 * 60_000 },
  '1h': { label: 'Last 1 h', ms: 3_600_000 },
  '24h': { label: 'Last 24 h', ms: 86_400_000 },
  '7d': { label: 'Last 7 d', ms: 7 * 86_400_000 },
} as const;
export type RelativeRange = keyof typeof RELATIVE_RANGES;

export type TimeRange =
  | { readonly kind: 'relative'; readonly last: RelativeRange }
  | { readonly kind: 'absolute'; readonly from: number; readonly to: number };

export const DEFAULT_RANGE: TimeRange = { kind: 'relative', last: '1h' };

const isRelative = (v: string | null): v is RelativeRange => v !== null && v in RELATIVE_RANGES;

/** Epoch ms or ISO-8601; NaN when neither. */
function parseInstant(v: string | null): number {
  if (v === null || v === '') return NaN;
  if (/^\d+$/.test(v)) return Number(v);
  return Date.parse(v);
}

/** Reads `range=1h` or `from=…&to=…` (ISO-8601 or epoch ms); anything else → the default. */
export function readTimeRange(params: URLSearchParams): TimeRange {
  const from = parseInstant(params.get('from'));
  const to = parseInstant(params.get('to'));
  if (Number.isFinite(from) && Number.isFinite(to) && from < to) {
    return { kind: 'absolute', from, to };
  }
  const last = params.get('range');
  return isRelative(last) ? { kind: 'relative', last } : DEFAULT_RANGE;
}

/** Writes the range into `params` (replacing any range there), ISO for readable links. */
export function writeTimeRange(params: URLSearchParams, range: TimeRange): void {
  params.delete('range');
  params.delete('from');
  params.delete('to');
  if (range.kind === 'relative') params.set('range', range.last);
  else {
    params.set('from', new Date(range.from).toISOString());
    params.set('to', new Date(range.to).toISOString());
  }
}

/** Epoch-ms bounds `[from, to)` now. */
export function resolveRange(range: TimeRange, now = Date.now()): { from: number; to: number } {
  if (range.kind === 'absolute') return { from: range.from, to: range.to };
  return { from: now - RELATIVE_RANGES[range.last].ms, to: now };
}

export function describeRange(range: TimeRange): string {
  if (range.kind === 'relative') return RELATIVE_RANGES[range.last].label;
  return `${formatMinute(range.from)} → ${formatMinute(range.to)}`;
}
