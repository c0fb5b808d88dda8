import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline, testConfig } from './harness.ts';

// Auth off on loopback (the default): a web page whose domain re-binds to 127.0.0.1 must not be
// able to read telemetry or create alert rules from its visitor's browser. Its requests say
// their own domain in Host, and only our own names are answered.

let s: RunningSightline;

beforeAll(async () => {
  s = await startTestSightline(
    testConfig({
      SIGHTLINE_PUBLIC_URL: 'https://sightline.example.com/',
      SIGHTLINE_ALLOWED_HOSTS: 'observability.internal',
    }),
  );
}, 120_000);

afterAll(async () => s?.close());

/** node:http, since fetch will not send a Host header of our choosing. */
function get(path: string, host: string, method = 'GET', body?: string) {
  const url = new URL(s.apiUrl);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method,
        headers: { host, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('DNS rebinding', () => {
  it.each([
    `127.0.0.1`,
    'localhost:8080',
    '[::1]:8080',
    'sightline.example.com',
    'observability.internal:443',
  ])('answers Host %s', async (host) => {
    expect((await get('/api/v1/services', host)).status).toBe(200);
  });

  it('refuses a foreign Host with 421 on reads, writes and the dashboard alike', async () => {
    const read = await get('/api/v1/services', 'attacker.example:8080');
    expect(read.status).toBe(421);
    expect(JSON.parse(read.body)).toMatchObject({ error: { code: 'SL_ERR_HOST_NOT_ALLOWED' } });
    const write = await get(
      '/api/v1/alerts/rules',
      'attacker.example',
      'POST',
      JSON.stringify({ name: 'x' }),
    );
    expect(write.status).toBe(421);
    expect((await get('/', 'attacker.example')).status).toBe(421);
  });
});
