import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline, testConfig } from '../../deploy/test/harness.ts';
import { useE2e } from './e2e-hooks.ts';

// A fresh Sightline with auth on: an admin signs in, makes an API key in the dashboard, a script
// uses it, and revoking it in the dashboard shuts the script out. The empty store also shows what
// a newcomer sees before any data arrives.

const PASSWORD = 'keys-e2e-password';

let s: RunningSightline;
let page: Page;

/** What a script holding `key` gets from a route of the query API. */
async function statusWithKey(key: string, path: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(`${s.apiUrl}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, ...init.headers },
  });
  await res.body?.cancel();
  return res.status;
}

const { shot } = useE2e({
  start: async () =>
    (s = await startTestSightline(
      testConfig({
        SIGHTLINE_AUTH: 'on',
        SIGHTLINE_ADMIN_PASSWORD: PASSWORD,
        SIGHTLINE_GRPC_PORT: 'off',
      }),
    )),
  ready: (e) => {
    page = e.page;
  },
});

describe('API keys in a real browser', () => {
  it('an admin creates a key a script can use, then revokes it and the script is refused', async () => {
    // A deep link asks for sign-in first, then lands where it pointed.
    await page.goto(`${s.apiUrl}/keys`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await page.getByRole('link', { name: 'API keys' }).waitFor();
    expect(await page.getByRole('note').count()).toBe(0);

    await page.getByLabel('Name').fill('nightly report');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.locator('.new-key-value');
    await shown.waitFor();
    const key = (await shown.textContent()) ?? '';
    expect(key).toMatch(/^sl_[0-9a-z]+_\S+$/);
    // The line it offers to copy is the call the script below makes.
    expect(await page.locator('.new-key-usage').textContent()).toBe(
      `curl -H 'authorization: Bearer ${key}' ${s.apiUrl}/api/v1/services`,
    );
    await shot('30-keys-created');

    const prefix = key.split('_')[1] ?? '';
    const row = page.locator('.keys-table tbody tr', { hasText: 'nightly report' });
    expect(await row.locator('td').nth(1).textContent()).toBe(`sl_${prefix}_…`);
    expect(await row.locator('td').nth(2).textContent()).toBe('read');
    // Nowhere else on the page does the secret appear once the banner is closed.
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(key);

    // The key reads, but a read key may not manage keys.
    expect(await statusWithKey(key, '/services')).toBe(200);
    expect(
      await statusWithKey(key, '/keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'escalate', scopes: ['admin'] }),
      }),
    ).toBe(403);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke nightly report for good' }).click();
    await expect
      .poll(() => row.locator('td').nth(5).textContent(), { timeout: 20_000 })
      .toMatch(/^revoked /);
    await shot('31-keys-revoked');
    // This instance forgets the key at once; others within seconds.
    expect(await statusWithKey(key, '/services')).toBe(401);
  });

  it('tells a newcomer with an empty store how to get data in', async () => {
    await page.getByRole('link', { name: 'Services' }).click();
    const empty = page.getByText('No services sent spans in this time range');
    await empty.waitFor();
    const advice = (await page.locator('main').textContent()) ?? '';
    // The endpoints this instance really listens on (test ports, not the default 4318), and the
    // ingest key it asks for, since auth is on.
    expect(advice).toContain(
      `point an OpenTelemetry SDK at ${s.otlpUrl} (OTLP/HTTP, POST /v1/traces)`,
    );
    expect(s.otlpUrl).not.toContain(':4318');
    expect(advice).not.toContain('OTLP/gRPC');
    expect(advice).toContain(
      'with an ingest key in the header authorization: Bearer <ingest key> (make one on the API keys page)',
    );
    expect(advice).toContain('npm run demo');
    await shot('32-services-empty');
  });
});
