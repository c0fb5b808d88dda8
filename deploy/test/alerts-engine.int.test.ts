import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRuleInput } from '@sightline/model/api/alerts';
import type { RunningSightline } from '../src/all-in-one.ts';
import {
  ALERT_TEST_ENV,
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
import { select, startTestSightline, testConfig } from './harness.ts';

let s: RunningSightline;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  s = await startTestSightline(testConfig(ALERT_TEST_ENV));
  receiver = await startReceiver();
});
afterAll(async () => {
  await s.close();
  await receiver.close();
});

const base = (over: Partial<AlertRuleInput>): AlertRuleInput => ({
  name: 'rule',
  query: { kind: 'log_count', q: 'level:error' },
  condition: { op: '>', threshold: 0 },
  window: '1m',
  interval: '1s',
  for: '0s',
  severity: 'warning',
  channels: [{ kind: 'webhook', url: `${receiver.url}/hook` }],
  ...over,
});

const sentFor = (ruleId: string) => receiver.received.filter((r) => r.body.rule.id === ruleId);

describe('alert rules API', () => {
  it('creates, reads, replaces, lists and deletes rules', async () => {
    const rule = await createRule(s, base({ name: 'crud', enabled: false }));
    expect(rule).toMatchObject({ name: 'crud', enabled: false, noData: 'keep', groupBy: [] });
    expect((await api(s, 'GET', `/alerts/rules/${rule.id}`)).body).toEqual(rule);
    const put = await api<{ name: string; createdAt: string }>(
      s,
      'PUT',
      `/alerts/rules/${rule.id}`,
      base({ name: 'crud 2', enabled: false }),
    );
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'crud 2', createdAt: rule.createdAt });
    const list = await api<{ rules: { id: string; name: string }[] }>(s, 'GET', '/alerts/rules');
    expect(list.body.rules.find((r) => r.id === rule.id)?.name).toBe('crud 2');
    expect((await api(s, 'DELETE', `/alerts/rules/${rule.id}`)).status).toBe(204);
    const gone = await api<{ error: { code: string } }>(s, 'GET', `/alerts/rules/${rule.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('SL_ERR_NOT_FOUND');
  });

  it('answers 400 naming the field for invalid rules', async () => {
    const bad = async (rule: unknown) => {
      const res = await api<{ error: { code: string; message: string } }>(
        s,
        'POST',
        '/alerts/rules',
        rule,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toMatch(/^SL_ERR_/);
      return res.body.error.message;
    };
    expect(await bad({ ...base({}), condition: { op: '>', threshold: 'high' } })).toMatch(
      /condition\/threshold/,
    );
    expect(await bad({ ...base({}), condition: { op: '!=', threshold: 1 } })).toMatch(
      /condition\/op/,
    );
    expect(await bad(base({ interval: '0s' }))).toMatch(/^interval: /);
    expect(await bad({ ...base({}), window: 'soon' })).toMatch(/window/);
    expect(await bad(base({ query: { kind: 'log_count', q: 'level:(error' } }))).toMatch(
      /^query\.q: /,
    );
    expect(await bad(base({ message: '{{nope}}' }))).toMatch(/^message: unknown placeholder/);
    expect(await bad(base({ channels: [{ kind: 'webhook', url: 'ftp://example.com' }] }))).toMatch(
      /channels/,
    );
    const noName: Partial<AlertRuleInput> = base({});
    delete noName.name;
    expect(await bad(noName)).toMatch(/name/);
  });

  it('lists the alert endpoints in the OpenAPI document', async () => {
    const doc = await api<{ paths: Record<string, unknown> }>(s, 'GET', '/openapi.json');
    for (const p of [
      '/api/v1/alerts/rules',
      '/api/v1/alerts/rules/{id}',
      '/api/v1/alerts',
      '/api/v1/alerts/history',
      '/api/v1/alerts/silences',
      '/api/v1/alerts/preview',
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(p);
    }
  });
});

describe('alert evaluation', () => {
  it('an error-rate rule goes pending → firing after "for" and resolves when errors stop', async () => {
    const service = 'checkout-err';
    const rule = await createRule(
      s,
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
    let stop = every(500, () => sendSpans(s, service, 2, 2));
    await waitFor('firing', async () =>
      (await alerts(s, rule.id)).find((a) => a.state === 'firing'),
    );
    await stop();
    // Then only successes: the window slides past the errors.
    stop = every(500, () => sendSpans(s, service, 4, 0));
    await waitFor('resolved', async () =>
      (await alerts(s, rule.id)).find((a) => a.state === 'resolved'),
    );
    await stop();

    const changes = (await history(s, rule.id)).map((h) => `${h.from}→${h.to}`);
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
      s,
      'SELECT ok FROM sightline.alert_deliveries WHERE rule_id = {id:String}',
      { id: rule.id },
    );
    expect(deliveries.map((d) => Number(d.ok))).toEqual([1, 1]);
  });

  it('a log-count rule with group-by fires once per group', async () => {
    const rule = await createRule(
      s,
      base({
        name: 'Errors per service',
        query: { kind: 'log_count', q: 'level:error "card declined"' },
        groupBy: ['service'],
        condition: { op: '>=', threshold: 3 },
        window: '1m',
      }),
    );
    await sendLogs(s, 'grp-a', 'ERROR', 4, 'card declined');
    await sendLogs(s, 'grp-b', 'ERROR', 5, 'card declined');
    await sendLogs(s, 'grp-c', 'ERROR', 1, 'card declined');
    await sendLogs(s, 'grp-c', 'INFO', 10, 'card declined');
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
    const states = await alerts(s, rule.id);
    expect(
      states
        .filter((a) => a.state === 'firing')
        .map((a) => a.groupKey)
        .sort(),
    ).toEqual(['service=grp-a', 'service=grp-b']);
  });

  it('forgets the alert of a group that went away once its resolution is announced', async () => {
    const rule = await createRule(
      s,
      base({
        name: 'Crashes per pod',
        query: { kind: 'log_count', q: 'level:error "pod crashed"' },
        groupBy: ['service'],
        condition: { op: '>=', threshold: 1 },
        window: '3s',
      }),
    );
    // pod-live keeps failing; pod-old fails once and is never heard of again.
    const stopLive = every(500, () => sendLogs(s, 'pod-live', 'ERROR', 1, 'pod crashed'));
    try {
      await sendLogs(s, 'pod-old', 'ERROR', 2, 'pod crashed');
      const states = (ruleAlerts: Awaited<ReturnType<typeof alerts>>) =>
        Object.fromEntries(ruleAlerts.map((a) => [a.groupKey, a.state]));
      await waitFor('both pods firing', async () => {
        const st = states(await alerts(s, rule.id));
        return st['service=pod-old'] === 'firing' && st['service=pod-live'] === 'firing';
      });
      await waitFor('pod-old forgotten', async () => {
        const st = states(await alerts(s, rule.id));
        return !('service=pod-old' in st) && st['service=pod-live'] === 'firing';
      });
      const oldSent = sentFor(rule.id).filter((r) => r.body.group.key === 'service=pod-old');
      expect(oldSent.map((r) => r.body.status)).toEqual(['firing', 'resolved']);
      const oldHistory = (await history(s, rule.id)).filter(
        (h) => h.groupKey === 'service=pod-old',
      );
      expect(oldHistory.map((h) => `${h.from}>${h.to}`)).toEqual([
        'inactive>pending',
        'pending>firing',
        'firing>resolved',
      ]);
      // The stored state is gone too, not only the evaluator's memory.
      const stored = await select<{ n: string }>(
        s,
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
      s,
      base({
        name: 'Silenced',
        query: { kind: 'log_count', q: 'service:silenced-svc level:error' },
        groupBy: ['service'],
      }),
    );
    const silence = await api<{ id: string; active: boolean }>(s, 'POST', '/alerts/silences', {
      matchers: { service: 'silenced-svc' },
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      comment: 'maintenance',
    });
    expect(silence.status).toBe(201);
    expect(silence.body.active).toBe(true);
    await sendLogs(s, 'silenced-svc', 'ERROR', 2);
    const fired = await waitFor('firing recorded', async () =>
      (await history(s, rule.id)).find((h) => h.to === 'firing'),
    );
    expect(fired.silenced).toBe(true);
    expect((await alerts(s, rule.id))[0]).toMatchObject({ state: 'firing', silenced: true });
    await new Promise((r) => setTimeout(r, 1500));
    expect(sentFor(rule.id)).toEqual([]);

    // Once the silence ends, the still-firing alert is announced.
    expect((await api(s, 'DELETE', `/alerts/silences/${silence.body.id}`)).status).toBe(204);
    await waitFor('sent after the silence', () => sentFor(rule.id).length === 1);
  });

  it('retries a failing receiver and records every failed attempt', async () => {
    const failing = await startReceiver(() => 500);
    try {
      const rule = await createRule(
        s,
        base({
          name: 'To a broken receiver',
          query: { kind: 'log_count', q: 'service:broken-rcv' },
          channels: [{ kind: 'webhook', url: `${failing.url}/down` }],
        }),
      );
      await sendLogs(s, 'broken-rcv', 'INFO', 1);
      const rows = await waitFor('attempts recorded', async () => {
        const r = await select<{ attempt: number; ok: number; status: number; channel: string }>(
          s,
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
        `${s.apiUrl}/api/v1/alerts/deliveries?ruleId=${rule.id}&limit=1000`,
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
      expect((await alerts(s, rule.id))[0]?.state).toBe('firing');
    } finally {
      await failing.close();
    }
  });

  it('a metric rule compares each group of a metrics query and links to the metrics explorer', async () => {
    const rule = await createRule(
      s,
      base({
        name: 'Queue depth',
        query: { kind: 'metric', metric: 'alert.queue.depth', aggregation: 'max', reduce: 'max' },
        groupBy: ['service'],
        condition: { op: '>', threshold: 100 },
        window: '1m',
      }),
    );
    await sendGauge(s, 'alert.queue.depth', { 'queue-a': 250, 'queue-b': 20 });
    await waitFor('metric alert sent', () => sentFor(rule.id).length >= 1);
    await new Promise((r) => setTimeout(r, 1000));
    const sent = sentFor(rule.id);
    expect(sent.map((r) => [r.body.group.key, r.body.value])).toEqual([['service=queue-a', 250]]);
    const link = new URL(sent[0]!.body.links.dashboard);
    expect(link.pathname).toBe('/explore/metrics');
    expect(link.searchParams.get('metric')).toBe('alert.queue.depth');
    expect(link.searchParams.get('by')).toBe('service');
    const states = await alerts(s, rule.id);
    expect(states.map((a) => [a.groupKey, a.state]).sort()).toEqual([
      ['service=queue-a', 'firing'],
      ['service=queue-b', 'inactive'],
    ]);
  });

  it('previews a trace latency rule per operation', async () => {
    await sendSpans(s, 'latency-svc', 5, 0);
    const res = await api<{
      series: { groupKey: string; points: [number, number | null][] }[];
      transitions: { to: string }[];
    }>(s, 'POST', '/alerts/preview', {
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
    await sendLogs(s, 'preview-svc', 'ERROR', 3);
    const res = await api<{
      step: number;
      threshold: number;
      condition: string;
      series: { groupKey: string; points: [number, number | null][] }[];
      transitions: { groupKey: string; from: string; to: string }[];
    }>(s, 'POST', '/alerts/preview', {
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
    const invalid = await api<{ error: { message: string } }>(s, 'POST', '/alerts/preview', {
      rule: base({ window: '0s' }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/^window: /);
  });
});
