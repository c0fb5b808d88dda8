import type { AlertNotification } from './types.ts';

// Enough digits to compare with a threshold like 0.05 or 250, without float noise (0.1 + 0.2).
const NUMBER = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6, useGrouping: false });

/** A value as people read it; null means the query returned nothing to compare. */
export function formatValue(value: number | null): string {
  if (value === null) return 'no data';
  if (!Number.isFinite(value)) return String(value);
  return NUMBER.format(value);
}

export function stateWord(n: AlertNotification): 'FIRING' | 'RESOLVED' {
  return n.state === 'firing' ? 'FIRING' : 'RESOLVED';
}

/** `[FIRING] High error rate (service=checkout)`: the subject, Slack fallback text and heading. */
export function notificationTitle(n: AlertNotification): string {
  const group = n.groupKey === '' ? '' : ` (${n.groupKey})`;
  const reminder = n.repeat && n.state === 'firing' ? ' (still firing)' : '';
  return `[${stateWord(n)}] ${n.ruleName}${group}${reminder}`;
}

/** `0.0712 (condition > 0.05)`: the value beside the condition it broke or, once resolved, met again. */
export function valueVersusThreshold(n: AlertNotification): string {
  return `${formatValue(n.value)} (condition ${n.condition})`;
}

/** The labels of the group, then the rule's, as `k=v` pairs; the group's win on a clash. */
export function labelPairs(n: AlertNotification): [string, string][] {
  const merged = { ...n.labels, ...n.groupLabels };
  return Object.entries(merged).sort(([a], [b]) => a.localeCompare(b));
}
