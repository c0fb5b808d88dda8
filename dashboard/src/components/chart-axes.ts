import type { AxisSide } from '@sightline/model/api/dashboards';

export interface SidedSeries {
  readonly unit: string;
  /** A side asked for; absent: by unit. */
  readonly axis?: AxisSide | undefined;
}

export interface AxisPlan {
  /** The unit of each side's axis, null for a side no series uses. */
  readonly left: string | null;
  readonly right: string | null;
  /** The side each series is drawn on, null when its unit has no axis (a third unit). */
  readonly sides: readonly (AxisSide | null)[];
}

/**
 * Puts each series on the axis of its unit, never two units on one axis: series that ask for a
 * side claim it first (the first unit to ask wins it); the others follow their unit to the side
 * that has it, else take a free side, left first.
 */
export function planAxes(series: readonly SidedSeries[]): AxisPlan {
  const units: Record<AxisSide, string | null> = { left: null, right: null };
  for (const s of series) if (s.axis && units[s.axis] === null) units[s.axis] = s.unit;
  const sides = series.map((s): AxisSide | null => {
    if (s.axis) return units[s.axis] === s.unit ? s.axis : null;
    if (units.left === s.unit) return 'left';
    if (units.right === s.unit) return 'right';
    const free = units.left === null ? 'left' : units.right === null ? 'right' : null;
    if (free) units[free] = s.unit;
    return free;
  });
  return { left: units.left, right: units.right, sides };
}
