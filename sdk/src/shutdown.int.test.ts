import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLP_PATHS, OtlpTestServer } from '../test/otlp-test-server.ts';
import { CapturedLines } from '../test/helpers.ts';
import { counter, createLogger, getDroppedCounts, init, shutdown, withSpan } from './index.ts';

const SPANS = 3000;
const LOGS = 3000;
let otlp: OtlpTestServer;
const lines = new CapturedLines();

beforeAll(async () => {
  otlp = await OtlpTestServer.start();
  init({
    service: 'shutdown-test',
    endpoint: otlp.url,
    shutdownSignals: false,
    ignoreIncomingPaths: OTLP_PATHS,
    instrumentations: { runtime: false },
    // Long delays and large batches: nothing leaves early, so only shutdown() can send it.
    spans: { maxQueueSize: 10_000, maxExportBatchSize: 10_000, scheduledDelayMs: 600_000 },
    logs: { maxQueueSize: 10_000, maxExportBatchSize: 10_000, scheduledDelayMs: 600_000 },
    metricIntervalMs: 600_000,
  });
});

afterAll(async () => {
  await otlp.close();
});

describe('shutdown()', () => {
  it('exports every span, log line and metric recorded before it', async () => {
    const log = createLogger({ destination: lines.destination });
    const jobs = counter('jobs.done', { description: 'jobs finished' });
    for (let i = 0; i < SPANS; i += 1) {
      withSpan(`job-${i}`, (span) => {
        span.setAttribute('job.index', i);
        log.info({ seq: i }, 'job done');
      });
    }
    for (let i = 0; i < 5; i += 1) jobs.add(1, { queue: 'default' });
    await withSpan('async-job', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
    });

    // Nothing has been exported yet (the batch delays are long); shutdown must do it all.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(otlp.spans).toHaveLength(0);
    expect(otlp.logs).toHaveLength(0);

    await shutdown();

    const jobSpans = otlp.spans.filter((s) => s.name.startsWith('job-'));
    expect(new Set(jobSpans.map((s) => s.name)).size).toBe(SPANS);
    expect(jobSpans).toHaveLength(SPANS);
    expect(otlp.spans.some((s) => s.name === 'async-job')).toBe(true);

    const shipped = otlp.logs.filter((l) => l.body === 'job done');
    expect(shipped).toHaveLength(LOGS);
    expect(new Set(shipped.map((l) => l.attributes.seq)).size).toBe(LOGS);
    // Each shipped record still points at the span it was logged in.
    const spanOfJob = new Map(jobSpans.map((s) => [s.attributes['job.index'], s.spanId]));
    for (const record of shipped) expect(record.spanId).toBe(spanOfJob.get(record.attributes.seq));

    const points = otlp.metrics.filter((m) => m.name === 'jobs.done').flatMap((m) => m.points);
    expect(points).toEqual([{ attributes: { queue: 'default' }, value: 5 }]);

    expect(getDroppedCounts()).toEqual({ spans: 0, logs: 0, metrics: 0 });
    expect(lines.raw).toHaveLength(LOGS);
  });

  it('leaves the app working afterwards: logging prints locally, withSpan still runs', async () => {
    const log = createLogger({ destination: lines.destination });
    expect(() => log.info('after shutdown')).not.toThrow();
    expect(lines.parsed.at(-1)?.msg).toBe('after shutdown');
    expect(withSpan('late', () => 42)).toBe(42);
    // Nothing exports it any more, so it is counted as dropped rather than silently lost.
    expect(getDroppedCounts().spans).toBe(1);
    await expect(shutdown()).resolves.toBeUndefined();
  });
});
