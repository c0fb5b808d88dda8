import type { AlertQuery } from '@sightline/model/api/alerts';
import { formatValue as formatInUnit } from '../units.ts';

type QueryKind = Pick<AlertQuery, 'kind'> & { readonly measure?: string };

/**
 * An error rate is stored as a share (0.309) and read and typed as percent (30.9 %): the one
 * ratio among rule values today.
 */
export const isRatio = (q: QueryKind): boolean =>
  q.kind === 'trace_red' && q.measure === 'error_rate';

// Twelve significant digits drop the binary noise of ×100 and ÷100 (0.309 × 100 = 30.900000000000002).
export const percentOf = (share: number): number => Number((share * 100).toPrecision(12));
export const shareOf = (percent: number): number => Number((percent / 100).toPrecision(12));

/** A value for people; NaN and infinities arrive spelled ("NaN", "+Inf", "-Inf") and stay so. */
export const formatNumber = (v: number | string): string =>
  typeof v === 'string'
    ? v
    : Math.abs(v) >= 1000 || v === 0 || Number.isInteger(v)
      ? String(Math.round(v * 100) / 100)
      : v.toPrecision(3);

/** A value of the rule's query: `30.9 %` for an error rate, a plain number otherwise. */
export function formatRuleValue(q: QueryKind, v: number | string): string {
  if (typeof v === 'string' || !isRatio(q)) return formatNumber(v);
  return formatInUnit(v, '1', { factor: 0.01, suffix: ' %' });
}

/** The threshold exactly as it was typed: `30.9 %`, or `0.309` where no unit applies. */
export const formatThreshold = (q: QueryKind, threshold: number): string =>
  isRatio(q) ? `${percentOf(threshold)} %` : String(threshold);
