import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpTestServer } from '../test/otlp-test-server.ts';
import { spawnSdkProcess, type Exit, type SdkProcess } from '../test/sdk-process.ts';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/init-in-worker.mjs', import.meta.url));

let otlp: OtlpTestServer;
let app: SdkProcess;
let exit: Exit;
let worker: Record<string, unknown>;

beforeAll(async () => {
  otlp = await OtlpTestServer.start();
  app = await spawnSdkProcess('worker-app', FIXTURE, {
    preload: false,
    nodeArgs: [],
    captureStderr: true,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url },
  });
  const line = await app.waitForLine((l) => l.worker !== undefined);
  worker = line.worker as Record<string, unknown>;
  exit = await app.exit;
});

afterAll(async () => {
  app?.kill();
  await otlp?.close();
});

describe('init() on a worker thread', () => {
  it('starts nothing there, warns once and hands back a disabled SDK', () => {
    expect(worker).toEqual({
      disabled: true,
      sameOnSecondCall: true,
      recording: false,
      warnings: ['SL_ERR_SDK_WORKER_THREAD'],
    });
    expect(app.stderr.join('')).toContain('SL_ERR_SDK_WORKER_THREAD');
    expect(app.stderr.join('')).toContain('init() was called in a worker thread');
  });

  it('leaves the main thread’s SDK the only one exporting', () => {
    expect(exit.code).toBe(0);
    expect(otlp.spans.map((s) => s.name)).toEqual(['main work']);
    const services = new Set([...otlp.spans, ...otlp.metrics].map((item) => item.service));
    expect(services).toEqual(new Set(['worker-app']));
  });
});
