import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type Express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLP_PATHS, OtlpTestServer } from '../test/otlp-test-server.ts';
import { callFromOutside, close } from '../test/helpers.ts';
import { init, shutdown } from './index.ts';

// vitest imports dependencies by absolute file path, which the ESM loader hook does not map back
// to the `express` package; loading it with require after init() goes through
// require-in-the-middle instead. The same pattern works for kafkajs in tests.
let otlp: OtlpTestServer;
let server: Server;
let url: string;

beforeAll(async () => {
  otlp = await OtlpTestServer.start();
  init({
    service: 'express-test',
    endpoint: otlp.url,
    shutdownSignals: false,
    ignoreIncomingPaths: OTLP_PATHS,
    instrumentations: { runtime: false },
  });
  const express = createRequire(import.meta.url)('express') as typeof Express;
  const app = express();
  app.get('/orders/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await otlp.close();
});

describe('express', () => {
  it('gets route-level spans under the HTTP server span', async () => {
    const response = await callFromOutside(`${url}/orders/17`, { 'x-correlation-id': 'exp-1' });
    expect(response.headers.get('x-correlation-id')).toBe('exp-1');
    await close(server);
    await shutdown();

    const root = otlp.spans.find((s) => s.kind === 2);
    expect(root?.attributes['http.route']).toBe('/orders/:id');
    const handler = otlp.spans.find((s) => s.attributes['express.type'] === 'request_handler');
    expect(handler?.traceId).toBe(root?.traceId);
    expect(handler?.parentSpanId).toBe(root?.spanId);
  });
});
