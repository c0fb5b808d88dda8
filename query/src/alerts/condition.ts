import type { AlertCondition } from '@sightline/model/api/alerts';

/** What a rule without a condition (a PromQL rule) checks: that its expression returns the series. */
export const PRESENT = 'series returned';

/** `> 0.05`, or PRESENT for a rule whose returned series hold by being returned. */
export const conditionText = (c: AlertCondition | undefined): string =>
  c === undefined ? PRESENT : `${c.op} ${c.threshold}`;

/** The threshold a rule compares with; null when it has none. */
export const thresholdOf = (c: AlertCondition | undefined): number | null => c?.threshold ?? null;
