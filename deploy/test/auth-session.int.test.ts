import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline, testConfig } from './harness.ts';
import { selfSignedCert } from './test-cert.ts';

// Dashboard sign-in, cookies, CSRF, sign-out, rate limits and TLS, on a Sightline listening
// beyond loopback (0.0.0.0) with auth on and a self-signed certificate.

let s: RunningSightline;
let ca: Buffer;
let api: string;
let otlp: string;
const PASSWORD = 'session-test-password';
const RATE = 20;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        ca,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const setCookies = (a: Answer): string[] => (a.headers['set-cookie'] as string[] | undefined) ?? [];
const cookieHeader = (a: Answer): string =>
  setCookies(a)
    .map((c) => c.split(';')[0])
    .join('; ');

async function signIn(): Promise<{ cookie: string; csrf: string; answer: Answer }> {
  const answer = await call(
    `${api}/api/v1/auth/sign-in`,
    'POST',
    {},
    {
      name: 'admin',
      password: PASSWORD,
    },
  );
  expect(answer.status).toBe(200);
  const { csrfToken } = JSON.parse(answer.body) as { csrfToken: string };
  return { cookie: cookieHeader(answer), csrf: csrfToken, answer };
}

beforeAll(async () => {
  const tls = selfSignedCert(mkdtempSync(join(tmpdir(), 'sl-tls-')));
  ca = readFileSync(tls.cert);
  s = await startTestSightline(
    testConfig({
      SIGHTLINE_HOST: '0.0.0.0',
      SIGHTLINE_AUTH: 'on',
      SIGHTLINE_ADMIN_PASSWORD: PASSWORD,
      SIGHTLINE_TLS_CERT: tls.cert,
      SIGHTLINE_TLS_KEY: tls.key,
      SIGHTLINE_RATE_LIMIT_PER_MINUTE: String(RATE),
      SIGHTLINE_GRPC_PORT: 'off',
    }),
  );
  api = s.apiUrl.replace('0.0.0.0', '127.0.0.1');
  otlp = s.otlpUrl.replace('0.0.0.0', '127.0.0.1');
}, 120_000);

afterAll(async () => s?.close());

describe('beyond loopback, with TLS', () => {
  it('listens on every address over https only', async () => {
    expect(s.apiUrl).toMatch(/^https:\/\/0\.0\.0\.0:\d+$/);
    expect(s.otlpUrl).toMatch(/^https:\/\/0\.0\.0\.0:\d+$/);
    expect((await call(`${api}/api/v1/health`, 'GET')).status).toBe(200);
    expect((await call(`${otlp}/health`, 'GET')).status).toBe(200);
    // Plain http to the TLS port gets no API answer.
    const plain = await fetch(api.replace('https:', 'http:') + '/api/v1/health').catch(() => null);
    expect(plain?.status === 200).toBe(false);
  });
});

describe('dashboard sign-in', () => {
  it('refuses a wrong password without a cookie', async () => {
    const bad = await call(
      `${api}/api/v1/auth/sign-in`,
      'POST',
      {},
      {
        name: 'admin',
        password: 'wrong',
      },
    );
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.body)).toMatchObject({ error: { code: 'SL_ERR_UNAUTHENTICATED' } });
    expect(setCookies(bad)).toEqual([]);
    const nobody = await call(
      `${api}/api/v1/auth/sign-in`,
      'POST',
      {},
      {
        name: 'nobody',
        password: PASSWORD,
      },
    );
    expect(nobody.status).toBe(401);
  });

  it('sets an HttpOnly, SameSite=Strict, Secure session cookie and a readable CSRF cookie', async () => {
    const { answer, csrf } = await signIn();
    const [session] = setCookies(answer).filter((c) => c.startsWith('sl_session='));
    const [csrfCookie] = setCookies(answer).filter((c) => c.startsWith('sl_csrf='));
    expect(session).toBeDefined();
    const flags = session!.split(';').map((f) => f.trim());
    expect(flags).toContain('HttpOnly');
    expect(flags).toContain('SameSite=Strict');
    expect(flags).toContain('Path=/');
    expect(flags).toContain('Secure');
    expect(csrfCookie).toBeDefined();
    expect(csrfCookie).toContain(`sl_csrf=${csrf}`);
    expect(csrfCookie).not.toContain('HttpOnly');
    expect(csrfCookie).toContain('Secure');
    expect(JSON.parse(answer.body)).toMatchObject({
      kind: 'session',
      name: 'admin',
      scopes: ['read', 'admin'],
      authEnabled: true,
    });
  });

  it('reads with the cookie alone, but changes only with the CSRF token', async () => {
    const { cookie, csrf } = await signIn();
    const me = await call(`${api}/api/v1/auth/me`, 'GET', { cookie });
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ kind: 'session', csrfToken: csrf });
    expect((await call(`${api}/api/v1/keys`, 'GET', { cookie })).status).toBe(200);

    const body = { name: 'from the dashboard', scopes: ['read'] };
    const none = await call(`${api}/api/v1/keys`, 'POST', { cookie }, body);
    expect(none.status).toBe(403);
    const refused = JSON.parse(none.body) as { error: { code: string; message: string } };
    expect(refused.error.code).toBe('SL_ERR_CSRF');
    expect(refused.error.message).toContain('x-csrf-token');
    // One character off (never the same one: a token may itself start with 'x').
    const forged = (csrf.startsWith('x') ? 'y' : 'x') + csrf.slice(1);
    const wrong = await call(
      `${api}/api/v1/keys`,
      'POST',
      { cookie, 'x-csrf-token': forged },
      body,
    );
    expect(wrong.status).toBe(403);
    const right = await call(`${api}/api/v1/keys`, 'POST', { cookie, 'x-csrf-token': csrf }, body);
    expect(right.status).toBe(201);
  });

  it('signs out for real: the old cookie stops working', async () => {
    const { cookie, csrf } = await signIn();
    expect((await call(`${api}/api/v1/auth/sign-out`, 'POST', { cookie })).status).toBe(403);
    const out = await call(`${api}/api/v1/auth/sign-out`, 'POST', { cookie, 'x-csrf-token': csrf });
    expect(out.status).toBe(200);
    expect(JSON.parse(out.body)).toEqual({ signedOut: true });
    const cleared = setCookies(out).find((c) => c.startsWith('sl_session='));
    expect(cleared).toMatch(/^sl_session=;/);
    const after = await call(`${api}/api/v1/auth/me`, 'GET', { cookie });
    expect(after.status).toBe(401);
    const rows = await s.store.reader.query({
      query: `SELECT countIf(revoked_at IS NOT NULL) AS revoked FROM ${s.store.database}.sightline_sessions FINAL`,
      format: 'JSONEachRow',
    });
    expect(Number((await rows.json<{ revoked: string }>())[0]?.revoked)).toBeGreaterThanOrEqual(1);
  });
});

describe('limits and ingest over TLS', () => {
  it('limits each key separately, answering 429 with Retry-After', async () => {
    const { cookie, csrf } = await signIn();
    const make = async (name: string, scopes: string[]) => {
      const r = await call(
        `${api}/api/v1/keys`,
        'POST',
        { cookie, 'x-csrf-token': csrf },
        { name, scopes },
      );
      expect(r.status).toBe(201);
      return (JSON.parse(r.body) as { key: string }).key;
    };
    const busy = await make('busy', ['read']);
    const calm = await make('calm', ['ingest', 'read']);
    const statuses: number[] = [];
    let limited: Answer | undefined;
    for (let i = 0; i <= RATE; i++) {
      const r = await call(`${api}/api/v1/auth/me`, 'GET', { authorization: `Bearer ${busy}` });
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    expect(statuses.slice(0, RATE).every((n) => n === 200)).toBe(true);
    expect(statuses[RATE]).toBe(429);
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(limited!.body)).toMatchObject({ error: { code: 'SL_ERR_RATE_LIMITED' } });
    // Another key's budget is its own.
    expect(
      (await call(`${api}/api/v1/auth/me`, 'GET', { authorization: `Bearer ${calm}` })).status,
    ).toBe(200);

    const traces = await call(`${otlp}/v1/traces`, 'POST', { 'x-sightline-key': calm }, {});
    expect(traces.status).toBe(200);
  });
});
