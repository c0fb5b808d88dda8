import { describe, expect, it } from 'vitest';
import type { AlertRule } from '@sightline/model/api/alerts';
import { useAlertSightline } from './alerts-fixture.ts';
import { api, createRule, sendLogs, waitFor } from './alerts-helpers.ts';

// Channel secrets are write-only: the rules API serves them masked, and a rule saved back as read
// keeps delivering with the secrets it had.

const alert = useAlertSightline();
const { rule: base, sentFor } = alert;

describe('alert channel secrets', () => {
  it('serves channel secrets masked, and a rule saved back masked still delivers with them', async () => {
    const secretUrl = `${alert.receiver.url}/hook?token=tok-${Date.now()}`;
    const rule = await createRule(
      alert.s,
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
      url: `${alert.receiver.url}/***`,
      headers: { authorization: '***' },
    };
    expect(rule.channels).toEqual([masked]);
    const listed = await api<{ rules: AlertRule[] }>(alert.s, 'GET', '/alerts/rules');
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain('tok-');
    expect(text).not.toContain('s3cr3t');

    // Saved back exactly as read (only name and query changed): the stored secrets stay. Only the
    // saved rule matches the logs sent below, so the delivery is the saved rule's.
    const asRead: Record<string, unknown> = { ...rule };
    for (const k of ['id', 'createdAt', 'updatedAt']) delete asRead[k];
    const put = await api<AlertRule>(alert.s, 'PUT', `/alerts/rules/${rule.id}`, {
      ...asRead,
      name: 'secret channel, renamed',
      query: { kind: 'log_count', q: 'service:secret-svc-2 level:error' },
    });
    expect(put.status).toBe(200);
    expect(put.body.channels).toEqual([masked]);

    await sendLogs(alert.s, 'secret-svc-2', 'ERROR', 2);
    const [sent] = await waitFor('sent with the stored secrets', () =>
      sentFor(rule.id).length >= 1 ? sentFor(rule.id) : null,
    );
    expect(sent!.path).toBe(new URL(secretUrl).pathname + new URL(secretUrl).search);
    expect(sent!.headers.authorization).toBe('Bearer s3cr3t-v');
    expect(sent!.body.rule.name).toBe('secret channel, renamed');

    // A mask that stands for nothing stored is refused, naming the field.
    const bad = await api<{ error: { message: string } }>(
      alert.s,
      'PUT',
      `/alerts/rules/${rule.id}`,
      {
        ...asRead,
        channels: [{ kind: 'slack', url: 'https://hooks.slack.com/***' }],
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^channels\[0\]\.url: /);
  });
});
