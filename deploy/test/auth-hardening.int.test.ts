import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { recordDelivery } from '@sightline/store/alerts/deliveries';
import { startTestSightline, testConfig } from './harness.ts';

// Sign-in stays limited whatever the general API rate limit is, and a weak admin password is
// refused at set-up: a password guesser gets 10 tries a minute per address, never more.

const PASSWORD = 'hardening-admin-password';
let s: RunningSightline;
let cookie = '';
let csrf = '';

beforeAll(async () => {
  s = await startTestSightline(
    testConfig({
      SIGHTLINE_AUTH: 'on',
      SIGHTLINE_ADMIN_PASSWORD: PASSWORD,
      // The general limit is off; the sign-in limit must not go with it.
      SIGHTLINE_RATE_LIMIT_PER_MINUTE: '0',
    }),
  );
  // One good sign-in first: it counts against this address's 10 as well.
  const first = await signIn(PASSWORD);
  expect(first.status).toBe(200);
  csrf = ((await first.json()) as { csrfToken: string }).csrfToken;
  cookie = first.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}, 120_000);

afterAll(async () => s?.close());

function signIn(password: string): Promise<Response> {
  return fetch(`${s.apiUrl}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password }),
  });
}

describe('password guessing', () => {
  it('is limited to 10 sign-ins a minute per address with the API rate limit off', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await signIn(`wrong-guess-${i}`)).status);
    expect(statuses).toEqual(Array<number>(9).fill(401));
    // The 11th try is refused before the password is checked, the right one included.
    const limited = await signIn(PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { code: 'SL_ERR_RATE_LIMITED' } });
  });

  it('leaves every other route unlimited when the API rate limit is 0', async () => {
    const statuses = await Promise.all(
      Array.from(
        { length: 30 },
        async () => (await fetch(`${s.apiUrl}/api/v1/auth/me`, { headers: { cookie } })).status,
      ),
    );
    expect(statuses.every((n) => n === 200)).toBe(true);
  });
});

describe('the admin password at set-up', () => {
  it('refuses a one-character password, naming the setting and the rule', () => {
    expect(() => testConfig({ SIGHTLINE_AUTH: 'on', SIGHTLINE_ADMIN_PASSWORD: 'x' })).toThrow(
      'SIGHTLINE_ADMIN_PASSWORD: the password is too weak: it needs at least 12 characters (it has 1)',
    );
  });
});

describe('alert delivery records', () => {
  it("show a receiver's reply to admins only", async () => {
    await recordDelivery(
      s.store,
      {
        notificationId: 'n-1',
        ruleId: 'rule-reply',
        channel: 'webhook:https://hooks.example.com/x',
        attempt: 1,
        ok: false,
        status: 500,
        error: 'HTTP 500: {"internal":"answer of a service inside the network"}',
        at: new Date().toISOString(),
      },
      0,
    );
    const made = await fetch(`${s.apiUrl}/api/v1/keys`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'reader', scopes: ['read'] }),
    });
    expect(made.status).toBe(201);
    const readKey = ((await made.json()) as { key: string }).key;
    const path = `${s.apiUrl}/api/v1/alerts/deliveries?ruleId=rule-reply`;
    type Deliveries = { deliveries: { error: string; status: number }[] };

    const asReader = (await (
      await fetch(path, { headers: { authorization: `Bearer ${readKey}` } })
    ).json()) as Deliveries;
    expect(asReader.deliveries).toMatchObject([
      { status: 500, error: 'HTTP 500 (reply shown to admins only)' },
    ]);
    const asAdmin = (await (await fetch(path, { headers: { cookie } })).json()) as Deliveries;
    expect(asAdmin.deliveries[0]?.error).toContain('answer of a service inside the network');
  });
});

describe('paths that do not exist', () => {
  it('answer 401 before 404 without credentials, so routes cannot be listed anonymously', async () => {
    const anonymous = await fetch(`${s.apiUrl}/api/v1/no-such-route`);
    expect(anonymous.status).toBe(401);
    const signedIn = await fetch(`${s.apiUrl}/api/v1/no-such-route`, { headers: { cookie } });
    expect(signedIn.status).toBe(404);
  });
});
