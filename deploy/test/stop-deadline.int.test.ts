import { afterAll, describe, expect, it } from 'vitest';
import { startTestSightline, testConfig } from './harness.ts';
import { closeStalledSockets, halfSend } from './stalled-client.ts';

// A stop must finish whatever clients do: one that holds a half-sent body open has its connection
// closed at the drain deadline (under Kubernetes the alternative is SIGKILL).

afterAll(closeStalledSockets);

describe('a stop while a client holds a half-sent body', () => {
  it('finishes, closing the stalled connection at the drain deadline', async () => {
    const s = await startTestSightline(
      testConfig({ SIGHTLINE_REQUEST_TIMEOUT_MS: '600000', SIGHTLINE_DRAIN_TIMEOUT_MS: '2000' }),
    );
    const stalled = halfSend(s.otlpUrl, '/v1/logs', 100_000, 100);
    await stalled.start();
    // The listener has taken the connection once a later request on it is answered.
    expect((await fetch(`${s.otlpUrl}/health`)).status).toBe(200);
    // Without a deadline this never resolves, and the test's own timeout fails it.
    await s.close();
    expect(await stalled.ended).toBe('');
  }, 30_000);
});
