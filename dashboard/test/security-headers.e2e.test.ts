import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline, testConfig } from '../../deploy/test/harness.ts';
import { useE2e } from './e2e-hooks.ts';
import { resource, nanos, postOtlp, str } from './e2e-support.ts';

// The dashboard is served with a Content-Security-Policy and no framing. Every page, and the API
// documentation page, must still work under it: the browser reports each violation as an event.

let s: RunningSightline;
let page: Page;

useE2e({
  start: async () => (s = await startTestSightline(testConfig({ SIGHTLINE_GRPC_PORT: 'off' }))),
  send: async () => {
    const now = Date.now();
    await postOtlp(s.otlpUrl, '/v1/logs', {
      resourceLogs: [
        {
          resource: resource('csp-shop'),
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: nanos(now, -1000),
                  severityText: 'ERROR',
                  // Markup in telemetry must stay text: the policy would also stop it running.
                  body: { stringValue: '<img src=x onerror="window.__pwned=1"> payment failed' },
                  attributes: [str('user', '<script>window.__pwned=2</script>')],
                },
              ],
            },
          ],
        },
      ],
    });
  },
  ready: async (e) => {
    page = e.page;
    await page.addInitScript(() => {
      const w = window as unknown as { __violations: string[] };
      w.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
  },
});

const violations = () =>
  page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);

describe('security headers in a real browser', () => {
  it('sends a CSP that forbids framing and foreign scripts, and HSTS only under TLS', async () => {
    const res = await fetch(`${s.apiUrl}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' 'unsafe-eval';");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    const api = await fetch(`${s.apiUrl}/api/v1/health`);
    expect(api.headers.get('content-security-policy')).toBe(csp);
  });

  it.each([
    ['/services', 'Services'],
    ['/traces', 'Traces'],
    ['/logs', 'Logs'],
    ['/explore/metrics', 'Metrics'],
    ['/pipeline', 'Pipeline'],
  ])('%s works under the policy with no violation', async (path, heading) => {
    await page.goto(`${s.apiUrl}${path}`);
    await page.getByRole('heading', { name: heading, exact: false }).first().waitFor();
    expect(await violations()).toEqual([]);
  });

  it('shows markup in log lines as text, and nothing in it runs', async () => {
    await page.goto(`${s.apiUrl}/logs?q=${encodeURIComponent('service:csp-shop')}`);
    await page.getByText('payment failed', { exact: false }).first().waitFor();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBe(
      undefined,
    );
    expect(await violations()).toEqual([]);
  });

  it('serves the API documentation page under the policy', async () => {
    await page.goto(`${s.apiUrl}/api/v1/docs`);
    await page.locator('.swagger-ui').first().waitFor();
    await page.getByText('Sightline', { exact: false }).first().waitFor();
    expect(await violations()).toEqual([]);
  });
});
