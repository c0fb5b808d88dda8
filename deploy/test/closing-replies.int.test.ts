import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestSightline, testConfig } from './harness.ts';

// A request that reaches a stopping Sightline is answered in OTLP's own format with Retry-After
// and Connection: close, so an exporter retries it instead of losing it.

const sockets: Socket[] = [];
afterAll(() => sockets.forEach((c) => c.destroy()));

const LOGS = JSON.stringify({ resourceLogs: [] });

describe('requests arriving while Sightline stops', () => {
  it('get an OTLP 503 with Retry-After and Connection: close', async () => {
    const s = await startTestSightline(testConfig({ SIGHTLINE_DRAIN_TIMEOUT_MS: '5000' }));
    const { hostname, port } = new URL(s.otlpUrl);
    const socket = connect(Number(port), hostname);
    sockets.push(socket);
    let replies = '';
    socket.on('data', (c: Buffer) => (replies += c.toString()));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    const head = (length: number) =>
      `POST /v1/logs HTTP/1.1\r\nHost: ${hostname}:${port}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;
    // A first request, half sent: the connection is busy when the stop begins.
    socket.write(head(LOGS.length) + LOGS.slice(0, 5));
    expect((await fetch(`${s.otlpUrl}/health`)).status).toBe(200);

    const stopping = s.close();
    // The listener no longer takes connections once the stop has begun.
    await waitUntilRefused(s.otlpUrl);
    // The rest of the first request, and a second one behind it on the same connection.
    socket.write(LOGS.slice(5) + head(LOGS.length) + LOGS);
    await closed;
    await stopping;

    const [first, second] = replies.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toMatch(/\r\nretry-after: 5\r\n/i);
    expect(second).toMatch(/\r\nconnection: close\r\n/i);
    expect(second).toMatch(/\r\ncontent-type: application\/json/i);
    const body = JSON.parse(second!.slice(second!.indexOf('\r\n\r\n') + 4)) as {
      code: number;
      message: string;
    };
    // google.rpc.Status, as OTLP/HTTP specifies for errors: 14 is UNAVAILABLE.
    expect(body).toMatchObject({ code: 14 });
    expect(body.message).toContain('Sightline is stopping');
  }, 60_000);
});

async function waitUntilRefused(url: string): Promise<void> {
  for (;;) {
    const ok = await fetch(`${url}/health`).then(
      () => true,
      () => false,
    );
    if (!ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
