import { parsePointValue, type PointValue } from '@sightline/model/prom-value';

/**
 * What a chart can draw of a point: finite values. NaN and the infinities ("NaN", "+Inf",
 * "-Inf" in answers) leave a gap in the line, and the tooltip names them (`specialKey`).
 */
export function plotted(v: PointValue | undefined): number | null {
  const n = parsePointValue(v);
  return n !== null && Number.isFinite(n) ? n : null;
}

/** The row key that carries series `i`'s NaN or infinity at a time, for tooltips. */
export const specialKey = (i: number | string): string => `x${i}`;

/** A chart row's entry for a value that cannot be drawn, named as answers spell it. */
export function specialEntry(
  v: PointValue | undefined,
  i: number | string,
): Record<string, string> {
  return typeof v === 'string' ? { [specialKey(i)]: v } : {};
}
