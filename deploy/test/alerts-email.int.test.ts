import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { ALERT_TEST_ENV, createRule, sendLogs, waitFor } from './alerts-helpers.ts';
import { startTestSightline, testConfig } from './harness.ts';

// A real SMTP server on loopback that requires the login Sightline is configured with.
const mails: { envelopeTo: string[]; mail: ParsedMail }[] = [];
let smtp: SMTPServer;
let s: RunningSightline;
beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerts' && auth.password === 'pw') cb(null, { user: 'alerts' });
      else cb(new Error('Authentication failed'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks)).then(
          (mail) => {
            mails.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), mail });
            cb();
          },
          (err: Error) => cb(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const { port } = smtp.server.address() as AddressInfo;
  s = await startTestSightline(
    testConfig({
      ...ALERT_TEST_ENV,
      SIGHTLINE_SMTP_URL: `smtp://alerts:pw@127.0.0.1:${port}`,
      SIGHTLINE_SMTP_FROM: 'Sightline <alerts@sightline.test>',
    }),
  );
});
afterAll(async () => {
  await s.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('email notifications', () => {
  it('a firing rule reaches a real SMTP server with its message and dashboard link', async () => {
    const rule = await createRule(s, {
      name: 'Payment failures',
      query: { kind: 'log_count', q: 'level:error' },
      groupBy: ['service'],
      condition: { op: '>', threshold: 1 },
      window: '1m',
      interval: '1s',
      for: '0s',
      severity: 'critical',
      message: '{{group.service}} logged {{value}} errors. See {{dashboardUrl}}',
      channels: [{ kind: 'email', to: ['oncall@example.com', 'lead@example.com'] }],
    });
    await sendLogs(s, 'payments', 'ERROR', 3);
    const [sent] = await waitFor('an email', () => (mails.length > 0 ? mails : null));
    expect(sent!.envelopeTo.sort()).toEqual(['lead@example.com', 'oncall@example.com']);
    expect(sent!.mail.from?.text).toContain('alerts@sightline.test');
    expect(sent!.mail.subject).toContain('Payment failures');
    expect(sent!.mail.subject).toContain('service=payments');
    const text = sent!.mail.text ?? '';
    expect(text).toContain('payments logged 3 errors. See http://dashboard.test:3000/logs?q=');
    // The link opens the logs explorer on this group's errors.
    const link = /http:\/\/dashboard\.test:3000\/logs\?\S+/.exec(text)?.[0] ?? '';
    expect(new URL(link).searchParams.get('q')).toBe('(level:error) service:"payments"');
    expect(rule.channels).toEqual([
      { kind: 'email', to: ['oncall@example.com', 'lead@example.com'] },
    ]);
  });
});
