import type { Params } from '../sql/metrics-keys.ts';

/** Evenly spaced evaluation instants: fromMs, fromMs + stepMs, … (count of them). */
export interface Instants {
  readonly fromMs: number;
  readonly stepMs: number;
  readonly count: number;
}

/**
 * The indexes of the instants whose window [at - windowMs, at) holds a row, as an array
 * expression over its Timestamp, for `ARRAY JOIN`: one scan then counts each row once per
 * window that holds it. With d = t - (fromMs - windowMs) (t the row's time in ms), instant i
 * holds the row when i·step ≤ d < i·step + windowMs, so i runs from ⌊(d - windowMs)/step⌋ + 1 to
 * ⌊d/step⌋. Whole milliseconds suffice: every bound is a whole millisecond, and t ≥ bound ⇔
 * ⌊t⌋ ≥ bound. The numerator is shifted so it is never negative (intDiv truncates toward zero).
 */
export function instantsOfRow(windowMs: number, at: Instants, p: Params): string {
  const shift = Math.ceil(windowMs / at.stepMs);
  const d = `(toUnixTimestamp64Milli(Timestamp) - ${p.add(at.fromMs - windowMs, 'Int64')})`;
  const step = p.add(at.stepMs, 'Int64');
  const lo = `greatest(0, intDiv(${d} + ${p.add(shift * at.stepMs - windowMs, 'Int64')}, ${step}) - ${p.add(shift, 'Int64')} + 1)`;
  const hi = `least(${p.add(at.count - 1, 'Int64')}, intDiv(${d}, ${step}))`;
  return `range(toUInt32(${lo}), toUInt32(greatest(${lo}, ${hi} + 1)))`;
}
