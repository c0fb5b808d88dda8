import { formatSeconds, stepForWidth } from '@sightline/model/steps';

/** The fixed steps a user can pick; `auto` follows the chart's width. */
export const STEP_CHOICES = ['auto', '10s', '1m', '5m', '15m', '1h'] as const;

/**
 * The step a chart asks for: the first fixed one of `fixed` (a panel's own, then the board's or
 * the explorer's), else one point per few pixels of the chart's width, rounded to a nice step,
 * as Grafana's `$__interval`.
 */
export function chartStep(
  range: { readonly from: number; readonly to: number },
  widthPx: number,
  ...fixed: (string | undefined)[]
): string {
  const chosen = fixed.find((s) => s !== undefined && s !== '' && s !== 'auto');
  return chosen ?? formatSeconds(stepForWidth({ fromMs: range.from, toMs: range.to }, widthPx));
}
