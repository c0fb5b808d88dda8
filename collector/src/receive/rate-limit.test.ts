import { describe, expect, it } from 'vitest';
import type { IngestSink } from '../ingest/sink.ts';
import { buildReceiveApp } from './app.ts';
import { DEFAULT_LIMITS } from '../otlp/values.ts';

const logs = JSON.stringify({
  resourceLogs: [
    {
      scopeLogs: [
        { logRecords: [{ timeUnixNano: String(Date.now() * 1e6), body: { stringValue: 'x' } }] },
      ],
    },
  ],
});

describe('receive rate limit', () => {
  it('answers a key over its budget with 429 + Retry-After in the OTLP body; other keys go on', async () => {
    let stored = 0;
    const sink: IngestSink = { submit: () => Promise.resolve(void stored++) };
    const app = buildReceiveApp({
      sink,
      bodyLimitBytes: 1 << 20,
      limits: DEFAULT_LIMITS,
      // Every key is valid here; the key's name is its id.
      authenticate: (headers) => Promise.resolve({ id: String(headers['x-sightline-key']) }),
      rateLimitPerMinute: 2,
    });
    const send = (key: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/logs',
        headers: { 'content-type': 'application/json', 'x-sightline-key': key },
        payload: logs,
      });
    expect((await send('a')).statusCode).toBe(200);
    expect((await send('a')).statusCode).toBe(200);
    const refused = await send('a');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json()).toMatchObject({
      code: 8,
      message: expect.stringContaining('rate limit of 2 requests per 1 minute exceeded') as string,
    });
    expect((await send('b')).statusCode).toBe(200);
    // Probes are never limited.
    for (let i = 0; i < 3; i++) expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    expect(stored).toBe(3);
  });
});
