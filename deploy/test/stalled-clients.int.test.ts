import { afterAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline, testConfig } from './harness.ts';
import { closeStalledSockets, halfSend } from './stalled-client.ts';

// A client that stalls mid-body is answered 408 after the request timeout, on both listeners.

afterAll(closeStalledSockets);

describe('stalled request bodies', () => {
  let s: RunningSightline | undefined;
  afterAll(async () => s?.close());

  it('are answered 408 once the request timeout passes, on both listeners', async () => {
    s = await startTestSightline(testConfig({ SIGHTLINE_REQUEST_TIMEOUT_MS: '1000' }));
    const otlp = halfSend(s.otlpUrl, '/v1/traces', 1000, 10);
    const api = halfSend(s.apiUrl, '/api/v1/metrics/query', 1000, 10);
    await Promise.all([otlp.start(), api.start()]);
    expect(await otlp.ended).toMatch(/^HTTP\/1\.1 408 /);
    expect(await api.ended).toMatch(/^HTTP\/1\.1 408 /);
  });
});
