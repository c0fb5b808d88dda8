import type { AlertInstance, AlertRule, AlertStateName } from '@sightline/model/api/alerts';

export const STATES: readonly AlertStateName[] = ['firing', 'pending', 'resolved', 'inactive'];

/** Worst first: the order the list sorts rules in and the state a rule row shows. */
const RANK: Readonly<Record<AlertStateName, number>> = {
  firing: 0,
  pending: 1,
  resolved: 2,
  inactive: 3,
};

export interface RuleRow {
  readonly rule: AlertRule;
  /** The rule's alerts (one per group), worst first; empty before its first evaluation. */
  readonly alerts: readonly AlertInstance[];
  readonly state: AlertStateName | null;
  /** Epoch ms of the latest state change of any of its groups. */
  readonly lastChange: number | null;
}

export function lastChangeOf(a: AlertInstance): number | null {
  const times = [a.activeSince, a.firedAt, a.resolvedAt]
    .filter((t): t is string => t !== null)
    .map((t) => Date.parse(t));
  return times.length > 0 ? Math.max(...times) : null;
}

/**
 * One row per rule with its alerts; with a state filter, only rules that have an alert in that
 * state, showing only those alerts. Worst state first, then by name.
 */
export function ruleRows(
  rules: readonly AlertRule[],
  alerts: readonly AlertInstance[],
  filter: AlertStateName | null,
): RuleRow[] {
  const rows: RuleRow[] = [];
  for (const rule of rules) {
    const mine = alerts
      .filter((a) => a.ruleId === rule.id && (filter === null || a.state === filter))
      .sort((a, b) => RANK[a.state] - RANK[b.state] || a.groupKey.localeCompare(b.groupKey));
    if (filter !== null && mine.length === 0) continue;
    const changes = mine.map(lastChangeOf).filter((t): t is number => t !== null);
    rows.push({
      rule,
      alerts: mine,
      state: mine[0]?.state ?? null,
      lastChange: changes.length > 0 ? Math.max(...changes) : null,
    });
  }
  const rank = (r: RuleRow) => (r.state === null ? 4 : RANK[r.state]);
  return rows.sort((a, b) => rank(a) - rank(b) || a.rule.name.localeCompare(b.rule.name));
}

export const isStateName = (v: string | null): v is AlertStateName =>
  v !== null && (STATES as readonly string[]).includes(v);
