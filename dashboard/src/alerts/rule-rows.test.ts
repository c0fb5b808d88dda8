import { describe, expect, it } from 'vitest';
import type { AlertInstance, AlertRule } from '@sightline/model/api/alerts';
import { ruleRows } from './rule-rows.ts';

const rule = (id: string, name: string): AlertRule => ({
  id,
  name,
  enabled: true,
  query: { kind: 'log_count', q: '' },
  condition: { op: '>', threshold: 1 },
  window: '5m',
  interval: '1m',
  for: '0s',
  severity: 'warning',
  labels: {},
  groupBy: ['service'],
  noData: 'keep',
  message: '',
  channels: [],
  createdAt: '',
  updatedAt: '',
});

const alert = (ruleId: string, groupKey: string, state: AlertInstance['state'], at: string) => ({
  ruleId,
  ruleName: ruleId,
  severity: 'warning' as const,
  groupKey,
  groupLabels: {},
  state,
  value: 1,
  activeSince: at,
  firedAt: null,
  resolvedAt: null,
  lastEvaluatedAt: at,
  silenced: false,
  dashboardUrl: '',
});

describe('ruleRows', () => {
  const rules = [rule('a', 'Alpha'), rule('b', 'Beta'), rule('c', 'Gamma')];
  const alerts = [
    alert('a', 'service=x', 'resolved', '2026-11-22T01:00:00Z'),
    alert('b', 'service=x', 'inactive', '2026-11-22T01:00:00Z'),
    alert('b', 'service=y', 'firing', '2026-11-22T02:00:00Z'),
  ];

  it('puts the worst state first and a never-evaluated rule last', () => {
    const rows = ruleRows(rules, alerts, null);
    expect(rows.map((r) => [r.rule.id, r.state])).toEqual([
      ['b', 'firing'],
      ['a', 'resolved'],
      ['c', null],
    ]);
    expect(rows[0]?.alerts.map((a) => a.groupKey)).toEqual(['service=y', 'service=x']);
    expect(rows[0]?.lastChange).toBe(Date.parse('2026-11-22T02:00:00Z'));
  });

  it('keeps only rules, and only alerts, in the filtered state', () => {
    const rows = ruleRows(rules, alerts, 'inactive');
    expect(rows.map((r) => r.rule.id)).toEqual(['b']);
    expect(rows[0]?.alerts.map((a) => a.groupKey)).toEqual(['service=x']);
  });
});
