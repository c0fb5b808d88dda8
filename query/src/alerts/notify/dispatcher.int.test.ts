import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, type DispatcherOptions } from './dispatcher.ts';
import { sampleNotification } from './notification-fixture.ts';
import type { DeliveryResult } from './types.ts';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  close(): Promise<void>;
}

const servers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A real HTTP receiver on 127.0.0.1; `answer` gets the request's 0-based index. */
async function receiver(
  answer: (i: number, req: Received, res: ServerResponse) => void,
): Promise<Receiver> {
  const requests: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got = {
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString()) as unknown,
      };
      requests.push(got);
      answer(requests.length - 1, got, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const r: Receiver = {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(r);
  return r;
}

function dispatcher(over: Partial<DispatcherOptions> = {}): {
  records: DeliveryResult[];
  d: ReturnType<typeof createDispatcher>;
} {
  const records: DeliveryResult[] = [];
  const d = createDispatcher({
    maxAttempts: 3,
    backoffMs: 20,
    timeoutMs: 5000,
    // The receivers here listen on loopback, which channels may not reach by default.
    allowedNetworks: ['127.0.0.0/8'],
    record: (r) => {
      records.push(r);
      return Promise.resolve();
    },
    ...over,
  });
  return { records, d };
}

const summary = (rs: DeliveryResult[]): unknown[] =>
  rs.map((r) => ({ attempt: r.attempt, ok: r.ok, status: r.status }));

describe('webhook delivery', () => {
  it('POSTs the payload with its headers and records one successful attempt', async () => {
    const rx = await receiver((_i, _r, res) => res.writeHead(200).end('thanks'));
    const { records, d } = dispatcher();
    const n = sampleNotification();
    const url = rx.url.replace('http://', 'http://bot:pa55word@') + '?token=t0ken-secret';
    const results = await d.deliver(n, [
      { kind: 'webhook', url, headers: { Authorization: 'Bearer abcdef' } },
    ]);
    await d.close();

    expect(rx.requests).toHaveLength(1);
    const [req] = rx.requests;
    expect(req?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(req?.headers.authorization).toBe('Bearer abcdef');
    expect(req?.headers['idempotency-key']).toBe(n.notificationId);
    expect(req?.body).toMatchObject({
      version: '1',
      status: 'firing',
      notificationId: n.notificationId,
      rule: { id: 'rule-1', name: 'Checkout error rate', condition: '> 0.05', threshold: 0.05 },
      value: 0.0712,
      links: { dashboard: n.dashboardUrl },
    });

    expect(summary(records)).toEqual([{ attempt: 1, ok: true, status: 200 }]);
    expect(results).toEqual(records);
    const rec = records[0];
    expect(rec?.channel).toBe(`webhook:${rx.url}`);
    expect(JSON.stringify(records)).not.toMatch(/pa55word|t0ken-secret|abcdef|bot:/);
    expect(rec).toMatchObject({ notificationId: n.notificationId, ruleId: 'rule-1' });
    expect(Date.parse(rec?.at ?? '')).not.toBeNaN();
  });

  it('turns user:pass in the URL into basic auth', async () => {
    const rx = await receiver((_i, _r, res) => res.writeHead(200).end());
    const { records, d } = dispatcher();
    await d.deliver(sampleNotification(), [
      { kind: 'webhook', url: rx.url.replace('http://', 'http://bot:pa55word@') },
    ]);
    await d.close();
    expect(rx.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('bot:pa55word').toString('base64')}`,
    );
    expect(records).toMatchObject([{ ok: true, channel: `webhook:${rx.url}` }]);
  });

  it('retries a receiver that fails twice, recording all three attempts', async () => {
    const rx = await receiver((i, _r, res) => res.writeHead(i < 2 ? 500 : 200).end());
    const { records, d } = dispatcher();
    const [result] = await d.deliver(sampleNotification(), [{ kind: 'webhook', url: rx.url }]);
    await d.close();

    expect(summary(records)).toEqual([
      { attempt: 1, ok: false, status: 500 },
      { attempt: 2, ok: false, status: 500 },
      { attempt: 3, ok: true, status: 200 },
    ]);
    expect(records[0]?.error).toBe('HTTP 500');
    expect(result).toMatchObject({ attempt: 3, ok: true });
    // Every retry carries the same key, so the receiver can tell copies apart.
    expect(new Set(rx.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });

  it('gives up after maxAttempts on a receiver that always fails', async () => {
    const rx = await receiver((_i, _r, res) => res.writeHead(503).end('down for maintenance'));
    const { records, d } = dispatcher({ maxAttempts: 4 });
    const [result] = await d.deliver(sampleNotification(), [{ kind: 'webhook', url: rx.url }]);
    await d.close();

    expect(rx.requests).toHaveLength(4);
    expect(summary(records)).toEqual(
      [1, 2, 3, 4].map((a) => ({ attempt: a, ok: false, status: 503 })),
    );
    expect(result).toMatchObject({ attempt: 4, ok: false, status: 503 });
    expect(result?.error).toBe('HTTP 503: down for maintenance');
  });

  it('records a timeout when the receiver is too slow', async () => {
    const rx = await receiver((_i, _r, res) => {
      setTimeout(() => res.writeHead(200).end(), 3000).unref();
    });
    const { records, d } = dispatcher({ maxAttempts: 2, timeoutMs: 300 });
    const [result] = await d.deliver(sampleNotification(), [{ kind: 'webhook', url: rx.url }]);
    await d.close();

    expect(records.map((r) => [r.attempt, r.ok, r.error])).toEqual([
      [1, false, 'timed out after 300 ms'],
      [2, false, 'timed out after 300 ms'],
    ]);
    expect(result?.ok).toBe(false);
  });

  it('does not retry a 4xx refusal', async () => {
    const rx = await receiver((_i, _r, res) => res.writeHead(401).end('bad token'));
    const { records, d } = dispatcher();
    await d.deliver(sampleNotification(), [{ kind: 'webhook', url: rx.url }]);
    await d.close();
    expect(rx.requests).toHaveLength(1);
    expect(records).toMatchObject([
      { attempt: 1, ok: false, status: 401, error: 'HTTP 401: bad token' },
    ]);
  });

  it('waits as a 429 Retry-After says rather than its own backoff', async () => {
    const rx = await receiver((i, _r, res) =>
      i === 0 ? res.writeHead(429, { 'retry-after': '0' }).end() : res.writeHead(204).end(),
    );
    // A backoff this long would outlast the test: only Retry-After lets it finish.
    const { records, d } = dispatcher({ backoffMs: 600_000, maxBackoffMs: 600_000 });
    await d.deliver(sampleNotification(), [{ kind: 'webhook', url: rx.url }]);
    await d.close();
    expect(summary(records)).toEqual([
      { attempt: 1, ok: false, status: 429 },
      { attempt: 2, ok: true, status: 204 },
    ]);
  });

  it('retries a refused connection and says why', async () => {
    const rx = await receiver((_i, _r, res) => res.end());
    await rx.close();
    const { records, d } = dispatcher({ maxAttempts: 2 });
    await d.deliver(sampleNotification(), [{ kind: 'webhook', url: rx.url }]);
    await d.close();
    expect(records.map((r) => [r.attempt, r.ok, r.status])).toEqual([
      [1, false, undefined],
      [2, false, undefined],
    ]);
    expect(records[0]?.error).toMatch(/^fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  it('keeps a header value a receiver echoes out of the record', async () => {
    const rx = await receiver((_i, req, res) =>
      res.writeHead(400).end(`rejected key ${String(req.headers['x-api-key'])}`),
    );
    const { records, d } = dispatcher();
    await d.deliver(sampleNotification(), [
      { kind: 'webhook', url: rx.url, headers: { 'X-Api-Key': 'key-0123456789' } },
    ]);
    await d.close();
    expect(records[0]?.error).toBe('HTTP 400: rejected key ***');
  });
});

describe('slack delivery', () => {
  it('sends a Slack-shaped message and names only the host', async () => {
    const rx = await receiver((_i, req, res) => {
      const body = req.body as { text?: unknown; attachments?: { blocks?: unknown[] }[] };
      const valid = typeof body.text === 'string' && Array.isArray(body.attachments?.[0]?.blocks);
      res.writeHead(valid ? 200 : 400).end(valid ? 'ok' : 'invalid_payload');
    });
    const { records, d } = dispatcher();
    const n = sampleNotification({
      state: 'resolved',
      endsAt: '2026-11-22T03:10:00.000Z',
      value: 0.01,
    });
    const slackUrl = `${rx.url}/services/T000/B000/XXXXSECRET`;
    await d.deliver(n, [{ kind: 'slack', url: slackUrl }]);
    await d.close();

    expect(summary(records)).toEqual([{ attempt: 1, ok: true, status: 200 }]);
    expect(records[0]?.channel).toBe(`slack:${new URL(rx.url).host}`);
    const body = rx.requests[0]?.body as {
      text: string;
      attachments: { color: string; blocks: { type: string; elements?: { url?: string }[] }[] }[];
    };
    expect(body.text).toContain(
      '[RESOLVED] Checkout error rate (service=checkout): 0.01 (&gt; 0.05)',
    );
    expect(body.text).toContain(`<${n.dashboardUrl}|View in Sightline>`);
    expect(body.attachments[0]?.color).toBe('#2eb67d');
    const actions = body.attachments[0]?.blocks.find((b) => b.type === 'actions');
    expect(actions?.elements?.[0]?.url).toBe(n.dashboardUrl);
  });
});

describe('slack failures', () => {
  it('masks the webhook path a receiver echoes in its refusal', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(404).end(`no_service for ${req.url ?? ''}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { records, d } = dispatcher();
    await d.deliver(sampleNotification(), [
      { kind: 'slack', url: `http://127.0.0.1:${port}/services/T000/B000/XXXXSECRET` },
    ]);
    await d.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(records).toMatchObject([
      { attempt: 1, ok: false, status: 404, error: 'HTTP 404: no_service for ***' },
    ]);
  });
});

describe('the dispatcher', () => {
  it('sends to every channel at once and answers in channel order', async () => {
    const good = await receiver((_i, _r, res) => res.writeHead(200).end());
    const bad = await receiver((_i, _r, res) => res.writeHead(404).end());
    const { records, d } = dispatcher();
    const results = await d.deliver(sampleNotification(), [
      { kind: 'webhook', url: bad.url },
      { kind: 'slack', url: good.url },
      { kind: 'email', to: ['oncall@example.com'] },
    ]);
    await d.close();
    expect(results.map((r) => [r.channel.split(':')[0], r.ok, r.status])).toEqual([
      ['webhook', false, 404],
      ['slack', true, 200],
      ['email', false, undefined],
    ]);
    expect(results[2]?.error).toContain('SIGHTLINE_SMTP_URL');
    expect(records).toHaveLength(3);
  });

  it('stops retrying on close instead of waiting out the backoff', async () => {
    const rx = await receiver((_i, _r, res) => res.writeHead(500).end());
    const { records, d } = dispatcher({
      maxAttempts: 5,
      backoffMs: 600_000,
      maxBackoffMs: 600_000,
    });
    const delivery = d.deliver(sampleNotification(), [{ kind: 'webhook', url: rx.url }]);
    while (records.length === 0) await new Promise((r) => setTimeout(r, 10));
    await d.close();
    const [result] = await delivery;
    expect(result).toMatchObject({ attempt: 1, ok: false, status: 500 });
    expect(records).toHaveLength(1);
  });

  it('resolves even when recording fails, and reports the failure', async () => {
    const rx = await receiver((_i, _r, res) => res.writeHead(200).end());
    const seen: string[] = [];
    const d = createDispatcher({
      allowedNetworks: ['127.0.0.1'],
      record: () => Promise.reject(new Error('store down')),
      onRecordError: (err) => seen.push((err as Error).message),
    });
    const [result] = await d.deliver(sampleNotification(), [{ kind: 'webhook', url: rx.url }]);
    await d.close();
    expect(result?.ok).toBe(true);
    expect(seen).toEqual(['store down']);
  });

  it('refuses options that make no sense', () => {
    const record = (): Promise<void> => Promise.resolve();
    expect(() => createDispatcher({ record, maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => createDispatcher({ record, timeoutMs: -1 })).toThrow(/timeoutMs/);
  });

  it.each([
    [
      'an IP literal',
      (port: number) => `http://127.0.0.1:${port}/api/v1/keys`,
      '127.0.0.1 is a loopback',
    ],
    [
      'a name that resolves inward',
      (port: number) => `http://localhost:${port}/x`,
      'localhost resolves to',
    ],
    [
      'an IPv4-mapped IPv6 address',
      (port: number) => `http://[::ffff:127.0.0.1]:${port}/x`,
      '127.0.0.1 is a loopback',
    ],
  ])(
    'refuses %s on loopback by default, without retrying or reaching it',
    async (_what, url, says) => {
      let reached = 0;
      const rx = await receiver((_i, _r, res) => {
        reached++;
        res.writeHead(200).end('internal secrets');
      });
      const port = Number(new URL(rx.url).port);
      const { d, records } = dispatcher({ allowedNetworks: [] });
      const [result] = await d.deliver(sampleNotification(), [{ kind: 'webhook', url: url(port) }]);
      await d.close();
      expect(reached).toBe(0);
      expect(records).toHaveLength(1);
      expect(result).toMatchObject({ attempt: 1, ok: false });
      expect(result?.error).toContain(says);
      expect(result?.error).toContain('SIGHTLINE_ALERT_ALLOWED_NETWORKS');
    },
  );
});
