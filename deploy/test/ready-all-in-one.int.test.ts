import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline, testConfig } from './harness.ts';

// Orchestrators probe without credentials: /ready must answer on every listener with
// authentication on, while the data routes still refuse anonymous calls.
let s: RunningSightline;

beforeAll(async () => {
  s = await startTestSightline(
    testConfig({
      SIGHTLINE_AUTH: 'on',
      SIGHTLINE_ADMIN_PASSWORD: 'ready-admin-password',
      SIGHTLINE_GRPC_PORT: 'off',
    }),
  );
}, 120_000);
afterAll(async () => s?.close());

describe('GET /ready on the all-in-one', () => {
  it('checks the store on the API and OTLP listeners, without credentials', async () => {
    for (const base of [s.apiUrl, s.otlpUrl]) {
      const res = await fetch(`${base}/ready`);
      expect(res.status, base).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready', checks: { store: { ok: true } } });
    }
    expect((await fetch(`${s.apiUrl}/api/v1/health`)).status).toBe(200);
    expect((await fetch(`${s.apiUrl}/api/v1/services`)).status).toBe(401);
  });
});
