/**
 * Steps of a time series, shared by the query API (its automatic step) and the dashboard (a step
 * chosen from a chart's width, Grafana's `$__interval`). Steps are whole seconds, aligned to the
 * epoch; ranges are half-open epoch-millisecond `[fromMs, toMs)`.
 */
export interface StepRange {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Buckets of `stepSeconds` aligned to the epoch (UTC) that `[from, to)` touches. */
export function bucketCount(range: StepRange, stepSeconds: number): number {
  const stepMs = stepSeconds * 1000;
  return Math.floor((range.toMs - 1) / stepMs) - Math.floor(range.fromMs / stepMs) + 1;
}

/** Steps people read easily; each at most twice the previous, so auto steps land in (max/2, max]. */
export const NICE_STEPS = [
  1, 2, 3, 5, 10, 15, 30, 60, 120, 180, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200,
  86_400,
];

/** The smallest nice step that cuts the range into at most `maxBuckets` buckets. */
export function autoStepSeconds(range: StepRange, maxBuckets = 120): number {
  for (const step of NICE_STEPS) if (bucketCount(range, step) <= maxBuckets) return step;
  // Past a day, whole days.
  let days = Math.max(1, Math.floor((range.toMs - range.fromMs) / 86_400_000 / maxBuckets));
  while (bucketCount(range, days * 86_400) > maxBuckets) days++;
  return days * 86_400;
}

/** Pixels a chart gives each point when its step is automatic. */
export const PX_PER_POINT = 4;

/**
 * The automatic step of a chart `widthPx` wide: the nice step giving at most one point per
 * PX_PER_POINT pixels (at least 10 points, so a narrow chart still shows a shape).
 */
export function stepForWidth(range: StepRange, widthPx: number): number {
  const points = Math.max(10, Math.floor(widthPx / PX_PER_POINT));
  return autoStepSeconds(range, points);
}

/** 90 → `90s`, 300 → `5m`, 86400 → `1d`: the largest unit that divides evenly. */
export function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
