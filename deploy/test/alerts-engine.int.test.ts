import { describe, expect, it } from 'vitest';
import {
  alerts,
  api,
  createRule,
  every,
  history,
  sendGauge,
  sendLogs,
  sendSpans,
  startReceiver,
  waitFor,
} from './alerts-helpers.ts';
import { useAlertSightline } from './alerts-fixture.ts';
import { select } from './harness.ts';

const alert = useAlertSightline();
const { rule: base, sentFor } = alert;

describe('alert evaluation', () => {
  it('an error-rate rule goes pending → firing after "for" and resolves when errors stop', async () => {
    const service = 'checkout-err';
    const rule = await createRule(
      alert.s,
      base({
        name: 'Checkout error rate',
        query: { kind: 'trace_red', measure: 'error_rate', service },
        condition: { op: '>', threshold: 0.2 },
        window: '3s',
        for: '2s',
        severity: 'critical',
        labels: { team: 'payments' },
        message: '{{rule.name}} at {{value}} on {{labels.team}}: {{dashboardUrl}}',
      }),
    );
    // Half the requests fail, every half second, until the alert fires.
    let stop = every(500, () => sendSpans(alert.s, service, 2, 2));
    await waitFor('firing', async () =>
      (await alerts(alert.s, rule.id)).find((a) => a.state === 'firing'),
    );
    await stop();
    // Then only successes: the window slides past the errors.
    stop = every(500, () => sendSpans(alert.s, service, 4, 0));
    await waitFor('resolved', async () =>
      (await alerts(alert.s, rule.id)).find((a) => a.state === 'resolved'),
    );
    await stop();

    const changes = (await history(alert.s, rule.id)).map((h) => `${h.from}→${h.to}`);
    expect(changes).toEqual(['inactive→pending', 'pending→firing', 'firing→resolved']);

    const sent = await waitFor('both notifications', () =>
      sentFor(rule.id).length >= 2 ? sentFor(rule.id) : null,
    );
    expect(sent.map((r) => r.body.status)).toEqual(['firing', 'resolved']);
    const firing = sent[0]!.body;
    expect(firing.rule).toMatchObject({ name: 'Checkout error rate', condition: '> 0.2' });
    expect(firing.value).toBeGreaterThan(0.2);
    const link = new URL(firing.links.dashboard);
    expect(`${link.origin}${link.pathname}`).toBe(`http://dashboard.test:3000/services/${service}`);
    expect(link.searchParams.get('from')).not.toBeNull();
    expect(firing.message).toBe(
      `Checkout error rate at ${Number(firing.value!.toPrecision(4))} on payments: ${firing.links.dashboard}`,
    );
    expect(sent[1]!.path).toBe('/hook');
    // Every attempt is recorded.
    const deliveries = await select<{ ok: number }>(
      alert.s,
      'SELECT ok FROM sightline.alert_deliveries WHERE rule_id = {id:String}',
      { id: rule.id },
    );
    expect(deliveries.map((d) => Number(d.ok))).toEqual([1, 1]);
  });

  it('a log-count rule with group-by fires once per group', async () => {
    const rule = await createRule(
      alert.s,
      base({
        name: 'Errors per service',
        query: { kind: 'log_count', q: 'level:error "card declined"' },
        groupBy: ['service'],
        condition: { op: '>=', threshold: 3 },
        window: '1m',
      }),
    );
    await sendLogs(alert.s, 'grp-a', 'ERROR', 4, 'card declined');
    await sendLogs(alert.s, 'grp-b', 'ERROR', 5, 'card declined');
    await sendLogs(alert.s, 'grp-c', 'ERROR', 1, 'card declined');
    await sendLogs(alert.s, 'grp-c', 'INFO', 10, 'card declined');
    await waitFor('two groups notified', () => sentFor(rule.id).length >= 2);
    // Several more evaluations: still one notification per group.
    await new Promise((r) => setTimeout(r, 2000));
    const sent = sentFor(rule.id);
    expect(sent.map((r) => r.body.group.key).sort()).toEqual(['service=grp-a', 'service=grp-b']);
    expect(sent.map((r) => r.body.value).sort()).toEqual([4, 5]);
    const link = new URL(
      sent.find((r) => r.body.group.key === 'service=grp-a')!.body.links.dashboard,
    );
    expect(link.pathname).toBe('/logs');
    expect(link.searchParams.get('q')).toBe('(level:error "card declined") service:"grp-a"');
    const states = await alerts(alert.s, rule.id);
    expect(
      states
        .filter((a) => a.state === 'firing')
        .map((a) => a.groupKey)
        .sort(),
    ).toEqual(['service=grp-a', 'service=grp-b']);
  });

  it('forgets the alert of a group that went away once its resolution is announced', async () => {
    const rule = await createRule(
      alert.s,
      base({
        name: 'Crashes per pod',
        query: { kind: 'log_count', q: 'level:error "pod crashed"' },
        groupBy: ['service'],
        condition: { op: '>=', threshold: 1 },
        window: '3s',
      }),
    );
    // pod-live keeps failing; pod-old fails once and is never heard of again.
    const stopLive = every(500, () => sendLogs(alert.s, 'pod-live', 'ERROR', 1, 'pod crashed'));
    try {
      await sendLogs(alert.s, 'pod-old', 'ERROR', 2, 'pod crashed');
      const states = (ruleAlerts: Awaited<ReturnType<typeof alerts>>) =>
        Object.fromEntries(ruleAlerts.map((a) => [a.groupKey, a.state]));
      await waitFor('both pods firing', async () => {
        const st = states(await alerts(alert.s, rule.id));
        return st['service=pod-old'] === 'firing' && st['service=pod-live'] === 'firing';
      });
      await waitFor('pod-old forgotten', async () => {
        const st = states(await alerts(alert.s, rule.id));
        return !('service=pod-old' in st) && st['service=pod-live'] === 'firing';
      });
      const oldSent = sentFor(rule.id).filter((r) => r.body.group.key === 'service=pod-old');
      expect(oldSent.map((r) => r.body.status)).toEqual(['firing', 'resolved']);
      const oldHistory = (await history(alert.s, rule.id)).filter(
        (h) => h.groupKey === 'service=pod-old',
      );
      expect(oldHistory.map((h) => `${h.from}>${h.to}`)).toEqual([
        'inactive>pending',
        'pending>firing',
        'firing>resolved',
      ]);
      // The stored state is gone too, not only the evaluator's memory.
      const stored = await select<{ n: string }>(
        alert.s,
        `SELECT count() AS n FROM sightline.alert_states FINAL
        WHERE rule_id = {id:String} AND group_key = 'service=pod-old' AND deleted = 0`,
        { id: rule.id },
      );
      expect(Number(stored[0]?.n)).toBe(0);
    } finally {
      await stopLive();
    }
  });

  it('a silence suppresses sending but not history', async () => {
    const rule = await createRule(
      alert.s,
      base({
        name: 'Silenced',
        query: { kind: 'log_count', q: 'service:silenced-svc level:error' },
        groupBy: ['service'],
      }),
    );
    const silence = await api<{ id: string; active: boolean }>(
      alert.s,
      'POST',
      '/alerts/silences',
      {
        matchers: { service: 'silenced-svc' },
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: 'maintenance',
      },
    );
    expect(silence.status).toBe(201);
    expect(silence.body.active).toBe(true);
    await sendLogs(alert.s, 'silenced-svc', 'ERROR', 2);
    const fired = await waitFor('firing recorded', async () =>
      (await history(alert.s, rule.id)).find((h) => h.to === 'firing'),
    );
    expect(fired.silenced).toBe(true);
    expect((await alerts(alert.s, rule.id))[0]).toMatchObject({ state: 'firing', silenced: true });
    await new Promise((r) => setTimeout(r, 1500));
    expect(sentFor(rule.id)).toEqual([]);

    // Once the silence ends, the still-firing alert is announced.
    expect((await api(alert.s, 'DELETE', `/alerts/silences/${silence.body.id}`)).status).toBe(204);
    await waitFor('sent after the silence', () => sentFor(rule.id).length === 1);
  });

  it('retries a failing receiver and records every failed attempt', async () => {
    const failing = await startReceiver(() => 500);
    try {
      const rule = await createRule(
        alert.s,
        base({
          name: 'To a broken receiver',
          query: { kind: 'log_count', q: 'service:broken-rcv' },
          channels: [{ kind: 'webhook', url: `${failing.url}/down` }],
        }),
      );
      await sendLogs(alert.s, 'broken-rcv', 'INFO', 1);
      const rows = await waitFor('attempts recorded', async () => {
        const r = await select<{ attempt: number; ok: number; status: number; channel: string }>(
          alert.s,
          `SELECT attempt, ok, status, channel FROM sightline.alert_deliveries
           WHERE rule_id = {id:String} ORDER BY attempt`,
          { id: rule.id },
        );
        return r.length >= 3 ? r : null;
      });
      expect(rows.map((r) => Number(r.attempt)).slice(0, 3)).toEqual([1, 2, 3]);
      expect(rows.every((r) => Number(r.ok) === 0 && Number(r.status) === 500)).toBe(true);
      expect(rows[0]!.channel).toBe(`webhook:${failing.url}/down`);
      expect(failing.attempts()).toBeGreaterThanOrEqual(3);
      // The same attempts through the API, newest first, without the receiver's credentials.
      const listed = await fetch(
        `${alert.s.apiUrl}/api/v1/alerts/deliveries?ruleId=${rule.id}&limit=1000`,
      ).then(
        (r) =>
          r.json() as Promise<{
            deliveries: { attempt: number; ok: boolean; status: number | null; channel: string }[];
          }>,
      );
      expect(listed.deliveries.length).toBeGreaterThanOrEqual(3);
      expect(listed.deliveries.map((d) => d.attempt).slice(-3)).toEqual([3, 2, 1]);
      expect(listed.deliveries.every((d) => !d.ok && d.status === 500)).toBe(true);
      expect(listed.deliveries[0]!.channel).toBe(`webhook:${failing.url}/down`);
      // The alert itself is firing and counted as notified: no new episode is started.
      expect((await alerts(alert.s, rule.id))[0]?.state).toBe('firing');
    } finally {
      await failing.close();
    }
  });

  it('a metric rule compares each group of a metrics query and links to the metrics explorer', async () => {
    const rule = await createRule(
      alert.s,
      base({
        name: 'Queue depth',
        query: { kind: 'metric', metric: 'alert.queue.depth', aggregation: 'max', reduce: 'max' },
        groupBy: ['service'],
        condition: { op: '>', threshold: 100 },
        window: '1m',
      }),
    );
    await sendGauge(alert.s, 'alert.queue.depth', { 'queue-a': 250, 'queue-b': 20 });
    await waitFor('metric alert sent', () => sentFor(rule.id).length >= 1);
    await new Promise((r) => setTimeout(r, 1000));
    const sent = sentFor(rule.id);
    expect(sent.map((r) => [r.body.group.key, r.body.value])).toEqual([['service=queue-a', 250]]);
    const link = new URL(sent[0]!.body.links.dashboard);
    expect(link.pathname).toBe('/explore/metrics');
    expect(link.searchParams.get('metric')).toBe('alert.queue.depth');
    expect(link.searchParams.get('by')).toBe('service');
    const states = await alerts(alert.s, rule.id);
    expect(states.map((a) => [a.groupKey, a.state]).sort()).toEqual([
      ['service=queue-a', 'firing'],
      ['service=queue-b', 'inactive'],
    ]);
  });

  it('previews a trace latency rule per operation', async () => {
    await sendSpans(alert.s, 'latency-svc', 5, 0);
    const res = await api<{
      series: { groupKey: string; points: [number, number | null][] }[];
      transitions: { to: string }[];
    }>(alert.s, 'POST', '/alerts/preview', {
      rule: base({
        query: { kind: 'trace_red', measure: 'latency', percentile: 'p99', service: 'latency-svc' },
        groupBy: ['operation'],
        condition: { op: '>', threshold: 5 },
        window: '1m',
        interval: '1m',
        for: '1m',
      }),
      hours: 0.1,
    });
    expect(res.status).toBe(200);
    expect(res.body.series.map((x) => x.groupKey)).toEqual(['operation=POST /pay']);
    // Spans of 20 ms: above 5 ms at the last instant, but not for a whole minute yet.
    expect(res.body.series[0]!.points.at(-1)![1]).toBeCloseTo(20, 0);
    expect(res.body.transitions.map((t) => t.to)).toEqual(['pending']);
  });

  it('previews a draft rule over past data: series, threshold and state changes', async () => {
    await sendLogs(alert.s, 'preview-svc', 'ERROR', 3);
    const res = await api<{
      step: number;
      threshold: number;
      condition: string;
      series: { groupKey: string; points: [number, number | null][] }[];
      transitions: { groupKey: string; from: string; to: string }[];
    }>(alert.s, 'POST', '/alerts/preview', {
      rule: base({
        query: { kind: 'log_count', q: 'service:preview-svc' },
        groupBy: ['service'],
        condition: { op: '>', threshold: 2 },
        window: '2m',
        interval: '1m',
      }),
      hours: 0.5,
    });
    expect(res.status).toBe(200);
    expect(res.body.step).toBe(60_000);
    expect(res.body.threshold).toBe(2);
    expect(res.body.condition).toBe('> 2');
    const series = res.body.series.find((x) => x.groupKey === 'service=preview-svc');
    expect(series?.points.at(-1)?.[1]).toBe(3);
    expect(series?.points[0]?.[1]).toBe(0);
    expect(res.body.transitions).toEqual([
      expect.objectContaining({ groupKey: 'service=preview-svc', from: 'inactive', to: 'pending' }),
      expect.objectContaining({ groupKey: 'service=preview-svc', from: 'pending', to: 'firing' }),
    ]);
    const invalid = await api<{ error: { message: string } }>(alert.s, 'POST', '/alerts/preview', {
      rule: base({ window: '0s' }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/^window: /);
  });
});
