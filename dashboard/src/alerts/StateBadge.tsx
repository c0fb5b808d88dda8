import type { AlertSeverity, AlertStateName } from '@sightline/model/api/alerts';

export function StateBadge({ state }: { state: AlertStateName }) {
  return <span className={`alert-state alert-state-${state}`}>{state}</span>;
}

export function SeverityBadge({ severity }: { severity: AlertSeverity }) {
  return <span className={`alert-severity alert-severity-${severity}`}>{severity}</span>;
}

/** Colour of a state on charts: the same variables the badges use, so both themes apply. */
export const STATE_COLOR: Readonly<Record<AlertStateName, string>> = {
  inactive: 'var(--muted)',
  pending: 'var(--band-warn)',
  firing: 'var(--error)',
  resolved: 'var(--alert-ok)',
};
