import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRule, AlertRuleInput } from '@sightline/model/api/alerts';
import type { RunningSightline } from '../src/all-in-one.ts';
import {
  ALERT_TEST_ENV,
  api,
  createRule,
  sendLogs,
  startReceiver,
  waitFor,
} from './alerts-helpers.ts';
import { startTestSightline, testConfig } from './harness.ts';

// Channel secrets are write-only: the rules API serves them masked, and a rule saved back as read
// keeps delivering with the secrets it had.

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

describe('alert channel secrets', () => {
  it('serves channel secrets masked, and a rule saved back masked still delivers with them', async () => {
    const secretUrl = `${receiver.url}/hook?token=tok-${Date.now()}`;
    const rule = await createRule(
      s,
      base({
        name: 'secret channel',
        query: { kind: 'log_count', q: 'service:secret-svc level:error' },
        channels: [
          { kind: 'webhook', url: secretUrl, headers: { authorization: 'Bearer s3cr3t-v' } },
        ],
      }),
    );
    const masked = {
      kind: 'webhook',
      url: `${receiver.url}/***`,
      headers: { authorization: '***' },
    };
    expect(rule.channels).toEqual([masked]);
    const listed = await api<{ rules: AlertRule[] }>(s, 'GET', '/alerts/rules');
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain('tok-');
    expect(text).not.toContain('s3cr3t');

    // Saved back exactly as read (only name and query changed): the stored secrets stay. Only the
    // saved rule matches the logs sent below, so the delivery is the saved rule's.
    const asRead: Record<string, unknown> = { ...rule };
    for (const k of ['id', 'createdAt', 'updatedAt']) delete asRead[k];
    const put = await api<AlertRule>(s, 'PUT', `/alerts/rules/${rule.id}`, {
      ...asRead,
      name: 'secret channel, renamed',
      query: { kind: 'log_count', q: 'service:secret-svc-2 level:error' },
    });
    expect(put.status).toBe(200);
    expect(put.body.channels).toEqual([masked]);

    await sendLogs(s, 'secret-svc-2', 'ERROR', 2);
    const [sent] = await waitFor('sent with the stored secrets', () =>
      sentFor(rule.id).length >= 1 ? sentFor(rule.id) : null,
    );
    expect(sent!.path).toBe(new URL(secretUrl).pathname + new URL(secretUrl).search);
    expect(sent!.headers.authorization).toBe('Bearer s3cr3t-v');
    expect(sent!.body.rule.name).toBe('secret channel, renamed');

    // A mask that stands for nothing stored is refused, naming the field.
    const bad = await api<{ error: { message: string } }>(s, 'PUT', `/alerts/rules/${rule.id}`, {
      ...asRead,
      channels: [{ kind: 'slack', url: 'https://hooks.slack.com/***' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^channels\[0\]\.url: /);
  });
});
