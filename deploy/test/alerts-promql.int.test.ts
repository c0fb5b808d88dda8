import { describe, expect, it } from 'vitest';
import type { AlertRule, AlertRuleInput } from '@sightline/model/api/alerts';
import type { AlertRulesImportResponse } from '@sightline/model/api/alert-import';
import { useAlertSightline } from './alerts-fixture.ts';
import { alerts, api, createRule, history, sendGauge, waitFor } from './alerts-helpers.ts';

// A lease longer than one PromQL evaluation takes on a loaded machine (seconds): a holder whose
// lease ran out mid-evaluation drops its results (fencing), and nothing would ever fire.
const alert = useAlertSightline({ SIGHTLINE_ALERT_LEASE_MS: '30000' });
const { sentFor } = alert;

/** A PromQL rule has no condition: the expression is the condition. */
const promqlRule = (over: Partial<AlertRuleInput>): AlertRuleInput => {
  const rule = alert.rule({
    name: 'promql',
    query: { kind: 'promql', expr: 'queue_depth' },
    window: '5m',
    ...over,
  });
  if (!('condition' in over)) delete rule.condition;
  return rule;
};

const error = async (path: string, body: unknown): Promise<string> => {
  const res = await api<{ error: { code: string; message: string } }>(alert.s, 'POST', path, body);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('SL_ERR_VALIDATION');
  return res.body.error.message;
};

describe('PromQL alert rules API', () => {
  it('stores a rule without a condition, and names what is wrong in a bad one', async () => {
    const rule = await createRule(alert.s, promqlRule({ name: 'no condition' }));
    expect(rule).toMatchObject({ query: { kind: 'promql', expr: 'queue_depth' }, noData: 'ok' });
    expect(rule).not.toHaveProperty('condition');
    expect(
      await error('/alerts/rules', promqlRule({ query: { kind: 'promql', expr: 'rate(x[5m]' } })),
    ).toMatch(/^query\.expr: /);
    expect(await error('/alerts/rules', promqlRule({ groupBy: ['job'] }))).toMatch(/^groupBy: /);
    const noCondition = promqlRule({ query: { kind: 'log_count', q: 'level:error' } });
    expect(await error('/alerts/rules', noCondition)).toBe(
      'condition: is required for a log_count rule',
    );
  });

  it('imports a Prometheus rule file: alerting rules created, recording rules skipped', async () => {
    const yaml = [
      'groups:',
      '  - name: queues',
      '    interval: 15s',
      '    rules:',
      '      - record: job:queue_depth:max',
      '        expr: max by (job) (queue_depth)',
      '      - alert: QueueBacklog',
      '        expr: max_over_time(queue_depth[5m])',
      '        for: 2m',
      '        labels: { severity: critical, team: ops }',
      '        annotations:',
      '          summary: "{{ $labels.job }} holds {{ $value }} items"',
    ].join('\n');
    const channels = [{ kind: 'webhook', url: `${alert.receiver.url}/imported` }];
    const res = await api<AlertRulesImportResponse>(alert.s, 'POST', '/alerts/rules/import', {
      yaml,
      channels,
    });
    expect(res.status).toBe(201);
    expect(res.body.skipped).toEqual([
      {
        group: 'queues',
        rule: 'job:queue_depth:max',
        reason: 'recording rule (only alerting rules are imported)',
      },
    ]);
    expect(res.body.warnings).toEqual([]);
    const [created] = res.body.created;
    expect(res.body.created).toHaveLength(1);
    const stored = (await api<AlertRule>(alert.s, 'GET', `/alerts/rules/${created!.id}`)).body;
    expect(stored).toMatchObject({
      name: 'QueueBacklog',
      query: { kind: 'promql', expr: 'max_over_time(queue_depth[5m])' },
      interval: '15s',
      for: '2m',
      severity: 'critical',
      labels: { severity: 'critical', team: 'ops' },
      message: '{{group.job}} holds {{value}} items',
    });
    // Served masked, as every rule's channels are.
    expect(stored.channels).toEqual([{ kind: 'webhook', url: `${alert.receiver.url}/***` }]);
  });

  it('refuses a bad file whole, naming the group, rule and field', async () => {
    const before = (await api<{ rules: unknown[] }>(alert.s, 'GET', '/alerts/rules')).body.rules
      .length;
    const yaml = [
      'groups:',
      '  - name: fine',
      '    rules:',
      '      - alert: Good',
      '        expr: up',
      '  - name: broken',
      '    rules:',
      '      - alert: Bad',
      '        expr: up',
      '        for: soon',
    ].join('\n');
    expect(await error('/alerts/rules/import', { yaml })).toBe(
      "group 'broken' rule 1 ('Bad').for: 'soon' is not a Prometheus duration",
    );
    expect(await error('/alerts/rules/import', { yaml: 'rules: []' })).toMatch(/^groups: /);
    expect(await error('/alerts/rules/import', {})).toMatch(/yaml/);
    const after = (await api<{ rules: unknown[] }>(alert.s, 'GET', '/alerts/rules')).body.rules
      .length;
    expect(after).toBe(before);
  });
});

describe('PromQL alert evaluation', () => {
  it('fires one alert per returned series over the threshold, labelled with its labels', async () => {
    const rule = await createRule(
      alert.s,
      promqlRule({
        name: 'Deep queue',
        query: { kind: 'promql', expr: 'queue_depth{job=~"pq-.*"}' },
        condition: { op: '>', threshold: 5 },
        message: '{{group.job}} at {{value}}',
      }),
    );
    await sendGauge(alert.s, 'queue_depth', { 'pq-a': 10, 'pq-b': 1 });
    const [sent] = await waitFor('a notification', () => {
      const got = sentFor(rule.id);
      return got.length > 0 ? got : null;
    });
    expect(sent!.body).toMatchObject({
      status: 'firing',
      group: { key: 'job=pq-a', labels: { job: 'pq-a' } },
      value: 10,
      message: 'pq-a at 10',
      rule: { condition: '> 5', threshold: 5 },
    });
    const states = await waitFor('pq-b evaluated', async () => {
      const got = await alerts(alert.s, rule.id);
      return got.length > 0 ? got : null;
    });
    // Every returned series is an alert; the one under the threshold is inactive.
    expect(states.map((a) => `${a.groupKey}:${a.state}`).sort()).toEqual([
      'job=pq-a:firing',
      'job=pq-b:inactive',
    ]);
    const link = new URL(sent!.body.links.dashboard);
    expect(link.pathname).toBe('/explore/metrics');
    expect(link.searchParams.get('promql')).toBe('queue_depth{job=~"pq-.*"}');
  });

  it('without a condition, every returned series fires after "for"', async () => {
    await sendGauge(alert.s, 'backlog_items', { 'pq-c': 0 });
    const rule = await createRule(
      alert.s,
      promqlRule({
        name: 'Any backlog',
        query: { kind: 'promql', expr: 'backlog_items' },
        for: '2s',
      }),
    );
    const firing = await waitFor('firing', async () =>
      (await alerts(alert.s, rule.id)).find((a) => a.state === 'firing'),
    );
    expect(firing).toMatchObject({ groupKey: 'job=pq-c', value: 0 });
    const changes = await history(alert.s, rule.id);
    expect(changes.map((h) => `${h.from}→${h.to}`)).toEqual(['inactive→pending', 'pending→firing']);
    // No threshold is recorded for a rule without a condition.
    const raw = await api<{ entries: { threshold: number | null }[] }>(
      alert.s,
      'GET',
      `/alerts/history?ruleId=${rule.id}`,
    );
    expect(raw.body.entries.map((e) => e.threshold)).toEqual([null, null]);
    const [sent] = await waitFor('notified', () => {
      const got = sentFor(rule.id);
      return got.length > 0 ? got : null;
    });
    expect(sent!.body.rule).toMatchObject({ condition: 'series returned', threshold: null });
  });
});
