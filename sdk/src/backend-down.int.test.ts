import { createServer, type Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callFromOutside, close, listen } from '../test/helpers.ts';
import {
  counter,
  createLogger,
  getDroppedCounts,
  init,
  shutdown,
  withSpan,
  type SightlineSdkError,
} from './index.ts';

// Sightline is down: the endpoint is a port nobody listens on.
const QUEUE = 256;
const HTTP_REQUESTS = 200;
const BURST_SPANS = 60_000;
const BURST_LOGS = 30_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let app: Server;
let appUrl: string;
const warnings: Error[] = [];
const processErrors: unknown[] = [];
const onWarning = (warning: Error): void => void warnings.push(warning);
const onError = (error: unknown): void => void processErrors.push(error);

async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  const url = await listen(probe);
  await close(probe);
  return url;
}

function heapUsedMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

beforeAll(async () => {
  process.on('warning', onWarning);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  init({
    service: 'backend-down-test',
    endpoint: await closedPortUrl(),
    shutdownSignals: false,
    instrumentations: { runtime: false },
    spans: { maxQueueSize: QUEUE, maxExportBatchSize: 64, scheduledDelayMs: 50 },
    logs: { maxQueueSize: QUEUE, maxExportBatchSize: 64, scheduledDelayMs: 50 },
    metricIntervalMs: 300,
    exportTimeoutMs: 1500,
  });
  const log = createLogger({ destination: { write: () => undefined } });
  const hits = counter('hits');
  app = createServer((req, res) => {
    hits.add(1, { path: req.url ?? '' });
    log.info('request');
    res.end('ok');
  });
  appUrl = await listen(app);
});

afterAll(async () => {
  await close(app);
  process.off('warning', onWarning);
  process.off('uncaughtException', onError);
  process.off('unhandledRejection', onError);
});

describe('when Sightline is down', () => {
  it('keeps serving, holds memory to the queue bound, and counts every drop', async () => {
    // The app keeps answering while every export fails.
    for (let i = 0; i < HTTP_REQUESTS; i += 1) {
      const response = await callFromOutside(`${appUrl}/r${i % 5}`);
      expect(response.status).toBe(200);
      expect(response.body).toBe('ok');
    }

    // A burst far larger than the queues: memory must not follow it.
    const log = createLogger({ destination: { write: () => undefined } });
    const before = heapUsedMb();
    for (let chunk = 0; chunk < BURST_SPANS / 1000; chunk += 1) {
      for (let i = 0; i < 1000; i += 1) {
        withSpan('burst', (span) => {
          span.setAttribute('payload', 'x'.repeat(200));
          if (i % 2 === 0) log.info({ chunk, i, payload: 'y'.repeat(200) }, 'burst log');
        });
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const growth = heapUsedMb() - before;
    // Kept, 60k spans and 30k records of ~0.5 KB each would be well over 40 MB.
    expect(growth).toBeLessThan(20);

    const during = getDroppedCounts();
    // What is not dropped yet sits in the queue or in the batches being exported (and retried).
    expect(during.spans).toBeGreaterThan(BURST_SPANS - 4 * QUEUE);

    // Shutdown gives up on the rest within the export timeout; after it, every span and log
    // line ever recorded is accounted for as dropped, since none could be delivered.
    await shutdown();
    const dropped = getDroppedCounts();
    expect(dropped.spans).toBe(BURST_SPANS + HTTP_REQUESTS);
    expect(dropped.logs).toBe(BURST_LOGS + HTTP_REQUESTS);
    expect(dropped.metrics).toBeGreaterThan(0);

    // Warned, but rate-limited: one warning when drops began, one summary at shutdown.
    const dropWarnings = warnings.filter(
      (w) => (w as SightlineSdkError).code === 'SL_ERR_SDK_TELEMETRY_DROPPED',
    );
    expect(dropWarnings.length).toBeGreaterThanOrEqual(1);
    expect(dropWarnings.length).toBeLessThanOrEqual(2);
    expect(dropWarnings[0]?.name).toBe('SightlineWarning');
    expect(processErrors).toEqual([]);
  });
});
