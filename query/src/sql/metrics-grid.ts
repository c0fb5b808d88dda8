import { SightlineError } from '@sightline/model/errors';
import {
  autoStepSeconds,
  bucketCount,
  DEFAULT_RANGE_MS,
  formatSeconds,
  MAX_RANGE_MS,
  parseStep,
  parseTime,
  parseTimeRange,
  type TimeRange,
} from '../time-range.ts';

export type { TimeRange } from '../time-range.ts';

/** A range cut into equal steps: `fromMs` and `toMs` are multiples of `stepMs`. */
export interface StepGrid extends TimeRange {
  readonly stepMs: number;
  /** Number of steps: (toMs - fromMs) / stepMs. */
  readonly points: number;
}

/** Points per series at most: a week at one minute, with room to spare. */
export const MAX_POINTS = 11_000;

/**
 * From/to as query/src/time-range.ts reads them, with the parameter names a metrics query's own
 * override goes by (`queries[2].from`) in error messages.
 */
export function resolveRange(
  from: string | undefined,
  to: string | undefined,
  nowMs: number,
  fields: { from: string; to: string } = { from: 'from', to: 'to' },
  maxRangeMs = MAX_RANGE_MS,
): TimeRange {
  if (fields.from === 'from' && fields.to === 'to') {
    return parseTimeRange({ from, to }, { nowMs, maxRangeMs });
  }
  const toMs = to === undefined ? nowMs : parseTime(to, fields.to);
  const fromMs = from === undefined ? toMs - DEFAULT_RANGE_MS : parseTime(from, fields.from);
  if (fromMs >= toMs) {
    throw new SightlineError(
      'SL_ERR_TIME_RANGE',
      400,
      `${fields.from}: must be before ${fields.to}`,
    );
  }
  if (toMs - fromMs > maxRangeMs) {
    throw new SightlineError(
      'SL_ERR_TIME_RANGE',
      400,
      `${fields.from}: the range may span at most ${formatSeconds(maxRangeMs / 1000)}`,
    );
  }
  return { fromMs, toMs };
}

/**
 * Cuts a range into epoch-aligned steps: the given step, or the nice step giving at most
 * `autoPoints` points. The range widens to whole steps so every step covers the same time.
 */
export function resolveGrid(
  range: TimeRange,
  step: string | undefined,
  autoPoints: number,
  field = 'step',
): StepGrid {
  const seconds =
    step === undefined || step === '' ? autoStepSeconds(range, autoPoints) : parseStep(step, field);
  const points = bucketCount(range, seconds);
  if (points > MAX_POINTS) {
    const least = Math.ceil((range.toMs - range.fromMs) / 1000 / MAX_POINTS);
    throw new SightlineError(
      'SL_ERR_STEP',
      400,
      `${field}: ${formatSeconds(seconds)} is too small for this range (${points} points, at most ${MAX_POINTS}); use at least ${formatSeconds(least)}`,
    );
  }
  const stepMs = seconds * 1000;
  const fromMs = Math.floor(range.fromMs / stepMs) * stepMs;
  return { fromMs, toMs: fromMs + points * stepMs, stepMs, points };
}
