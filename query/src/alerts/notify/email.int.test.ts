import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from './dispatcher.ts';
import { sampleNotification } from './notification-fixture.ts';
import type { DeliveryResult } from './types.ts';

interface Mailbox {
  readonly port: number;
  readonly mails: ParsedMail[];
  readonly envelopes: { from: string; to: string[] }[];
  close(): Promise<void>;
}

const servers: Mailbox[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const fail = (code: number, message: string): Error =>
  Object.assign(new Error(message), { responseCode: code });

/**
 * A real SMTP server on 127.0.0.1: no TLS, login optional but checked when given (alerts/s3cret).
 * `reject(i)` may refuse the i-th message (0-based) with an SMTP error.
 */
async function mailbox(
  reject: (i: number) => Error | undefined = () => undefined,
  extra: Partial<SMTPServerOptions> = {},
): Promise<Mailbox> {
  const mails: ParsedMail[] = [];
  const envelopes: { from: string; to: string[] }[] = [];
  let seen = 0;
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerts' && auth.password === 's3cret-pass')
        cb(null, { user: 'alerts' });
      else cb(fail(535, 'Authentication failed'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const refusal = reject(seen++);
        if (refusal) return cb(refusal);
        envelopes.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        });
        simpleParser(Buffer.concat(chunks)).then(
          (mail) => {
            mails.push(mail);
            cb();
          },
          (err: Error) => cb(err),
        );
      });
    },
    ...extra,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  const box: Mailbox = {
    port,
    mails,
    envelopes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  servers.push(box);
  return box;
}

function dispatcher(url: string, maxAttempts = 3, timeoutMs = 5000) {
  const records: DeliveryResult[] = [];
  const d = createDispatcher({
    smtp: { url, from: 'Sightline <alerts@example.com>' },
    maxAttempts,
    backoffMs: 20,
    timeoutMs,
    record: (r) => {
      records.push(r);
      return Promise.resolve();
    },
  });
  return { d, records };
}

const to = ['oncall@example.com', 'sre@example.com'];

describe('email delivery over SMTP', () => {
  it('delivers a firing alert with rule, state, value, threshold and link', async () => {
    const box = await mailbox();
    const { d, records } = dispatcher(`smtp://alerts:s3cret-pass@127.0.0.1:${box.port}`);
    const n = sampleNotification();
    const [result] = await d.deliver(n, [{ kind: 'email', to }]);
    await d.close();

    expect(box.mails).toHaveLength(1);
    expect(box.envelopes).toEqual([{ from: 'alerts@example.com', to }]);
    const mail = box.mails[0];
    expect(mail?.subject).toBe('[FIRING] Checkout error rate (service=checkout)');
    expect(mail?.from?.text).toBe('"Sightline" <alerts@example.com>');
    const text = mail?.text ?? '';
    for (const part of [
      'Checkout error rate',
      'State: FIRING',
      'Value: 0.0712',
      'Threshold: > 0.05',
    ]) {
      expect(text).toContain(part);
    }
    expect(text).toContain(`View in Sightline: ${n.dashboardUrl}`);
    const html = typeof mail?.html === 'string' ? mail.html : '';
    expect(html).toContain(`href="${n.dashboardUrl.replace(/&/g, '&amp;')}"`);
    expect(html).toContain('0.0712');
    expect(mail?.headers.get('x-sightline-notification-id')).toBe(n.notificationId);

    expect(records).toEqual([result]);
    expect(result).toMatchObject({
      attempt: 1,
      ok: true,
      status: 250,
      channel: 'email:oncall@example.com,sre@example.com',
    });
    expect(JSON.stringify(records)).not.toContain('s3cret');
  });

  it('threads the resolve under the firing mail', async () => {
    const box = await mailbox();
    const { d } = dispatcher(`smtp://127.0.0.1:${box.port}`);
    await d.deliver(sampleNotification(), [{ kind: 'email', to }]);
    await d.deliver(
      sampleNotification({
        notificationId: 'rule-1|service=checkout|resolved|2026-11-22T03:10:00.000Z',
        state: 'resolved',
        endsAt: '2026-11-22T03:10:00.000Z',
        value: 0.01,
      }),
      [{ kind: 'email', to }],
    );
    await d.close();
    const [firing, resolved] = box.mails;
    expect(resolved?.subject).toBe('[RESOLVED] Checkout error rate (service=checkout)');
    expect(resolved?.text).toContain('Resolved: 2026-11-22T03:10:00.000Z');
    expect(resolved?.inReplyTo).toBe(firing?.inReplyTo);
    expect(resolved?.messageId).not.toBe(firing?.messageId);
  });

  it('retries a temporary refusal and records both attempts', async () => {
    const box = await mailbox((i) => (i === 0 ? fail(451, 'Try again later') : undefined));
    const { d, records } = dispatcher(`smtp://127.0.0.1:${box.port}`);
    await d.deliver(sampleNotification(), [{ kind: 'email', to }]);
    await d.close();
    expect(records.map((r) => [r.attempt, r.ok, r.status])).toEqual([
      [1, false, 451],
      [2, true, 250],
    ]);
    expect(records[0]?.error).toContain('Try again later');
    expect(box.mails).toHaveLength(1);
  });

  it('does not retry a permanent refusal', async () => {
    const box = await mailbox(() => fail(554, 'Message rejected as spam'));
    const { d, records } = dispatcher(`smtp://127.0.0.1:${box.port}`);
    const [result] = await d.deliver(sampleNotification(), [{ kind: 'email', to }]);
    await d.close();
    expect(records).toHaveLength(1);
    expect(result).toMatchObject({ attempt: 1, ok: false, status: 554 });
    expect(result?.error).toContain('Message rejected as spam');
  });

  it('records a wrong password once, without the password', async () => {
    const box = await mailbox();
    const { d, records } = dispatcher(`smtp://alerts:wrong-pass-123@127.0.0.1:${box.port}`);
    const [result] = await d.deliver(sampleNotification(), [{ kind: 'email', to }]);
    await d.close();
    expect(records).toHaveLength(1);
    expect(result).toMatchObject({ attempt: 1, ok: false, status: 535 });
    expect(result?.error).toMatch(/^EAUTH: /);
    expect(JSON.stringify(records)).not.toContain('wrong-pass-123');
    expect(box.mails).toHaveLength(0);
  });

  it('delivers to the recipients the server takes and notes the ones it refuses', async () => {
    const box = await mailbox(undefined, {
      onRcptTo(address, _session, cb) {
        if (address.address === 'nobody@example.com') cb(fail(550, 'No such user'));
        else cb();
      },
    });
    const { d, records } = dispatcher(`smtp://127.0.0.1:${box.port}`);
    await d.deliver(sampleNotification(), [
      { kind: 'email', to: ['oncall@example.com', 'nobody@example.com'] },
    ]);
    await d.close();
    expect(box.envelopes).toEqual([{ from: 'alerts@example.com', to: ['oncall@example.com'] }]);
    expect(records).toMatchObject([
      { attempt: 1, ok: true, error: 'rejected: nobody@example.com' },
    ]);
  });

  it('retries when no SMTP server answers', async () => {
    const box = await mailbox();
    await box.close();
    servers.splice(servers.indexOf(box), 1);
    const { d, records } = dispatcher(`smtp://127.0.0.1:${box.port}`, 2);
    await d.deliver(sampleNotification(), [{ kind: 'email', to }]);
    await d.close();
    expect(records.map((r) => [r.attempt, r.ok])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(records[0]?.error).toMatch(/ECONNREFUSED/);
  });

  it('speaks TLS from the start with smtps://', async () => {
    // smtp-server's built-in test certificate is self-signed, hence rejectUnauthorized=false.
    const box = await mailbox(undefined, { secure: true, disabledCommands: [] });
    const { d, records } = dispatcher(
      `smtps://alerts:s3cret-pass@127.0.0.1:${box.port}?tls.rejectUnauthorized=false`,
    );
    await d.deliver(sampleNotification(), [{ kind: 'email', to }]);
    await d.close();
    expect(records).toMatchObject([{ attempt: 1, ok: true, status: 250 }]);
    expect(box.mails[0]?.subject).toBe('[FIRING] Checkout error rate (service=checkout)');
  });

  it('records a timeout when the server stalls', async () => {
    const box = await mailbox(undefined, {
      onData(stream, _session, cb) {
        stream.resume();
        // Answers long after the dispatcher gave up on the attempt.
        stream.on('end', () => setTimeout(() => cb(), 3000).unref());
      },
    });
    const { d, records } = dispatcher(`smtp://127.0.0.1:${box.port}`, 2, 400);
    const [result] = await d.deliver(sampleNotification(), [{ kind: 'email', to }]);
    await d.close();
    expect(records.map((r) => [r.attempt, r.ok, r.error])).toEqual([
      [1, false, 'timed out after 400 ms'],
      [2, false, 'timed out after 400 ms'],
    ]);
    expect(result?.ok).toBe(false);
  });
});
