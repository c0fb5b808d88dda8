import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import { OtlpTestServer } from '../test/otlp-test-server.ts';
import { DropCounter } from './drop-counter.ts';
import { DEFAULT_LINE_KEYS } from './log-shipper.ts';
import { WorkerLogSink, type WorkerLogSinkOptions } from './log-worker-client.ts';
import { processAttributes } from './resource.ts';

const SPAN: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};
const inSpan = (msg: string): string =>
  `{"level":30,"time":1700000000000,"msg":"${msg}","trace_id":"${SPAN.traceId}","span_id":"${SPAN.spanId}"}\n`;

let otlp: OtlpTestServer;

beforeAll(async () => {
  otlp = await OtlpTestServer.start();
});
afterAll(async () => {
  await otlp.close();
});

function options(overrides: Partial<WorkerLogSinkOptions['setup']> = {}) {
  const drops = new DropCounter(60_000);
  let failed = false;
  const opts: WorkerLogSinkOptions = {
    setup: {
      resourceAttributes: { 'service.name': 'worker-test' },
      processAttributes: processAttributes(),
      url: `${otlp.url}/v1/logs`,
      headers: { 'x-sightline-key': 'w-key' },
      exportTimeoutMs: 2000,
      maxQueueSize: 100,
      maxExportBatchSize: 50,
      scheduledDelayMs: 60_000,
      ...overrides,
    },
    drops,
    maxInFlight: 200,
    replyTimeoutMs: 10_000,
    onFailure: () => (failed = true),
  };
  return { opts, drops, failed: () => failed };
}

describe('the log worker', () => {
  it('exports the lines it is sent, with the span read back from each line', async () => {
    const { opts, drops } = options();
    const sink = new WorkerLogSink(opts);
    sink.ship(
      [inSpan('one'), inSpan('two'), '{"level":50,"time":1700000000000,"msg":"no span"}\n'],
      [SPAN, SPAN, undefined],
      [DEFAULT_LINE_KEYS, DEFAULT_LINE_KEYS, DEFAULT_LINE_KEYS],
    );
    await sink.flush();
    expect(otlp.logs.map((l) => l.body)).toEqual(['one', 'two', 'no span']);
    expect(otlp.logs[0]).toMatchObject({
      service: 'worker-test',
      traceId: SPAN.traceId,
      spanId: SPAN.spanId,
    });
    expect(otlp.logs[2]).toMatchObject({ traceId: '', severityText: 'ERROR' });
    expect(otlp.requests.at(-1)?.headers['x-sightline-key']).toBe('w-key');
    await sink.shutdown();
    expect(drops.counts().logs).toBe(0);
  });

  it("gives its records the app's process facts, not the worker thread's", async () => {
    const { opts } = options();
    const sink = new WorkerLogSink(opts);
    const before = otlp.logs.length;
    sink.ship([inSpan('whose')], [SPAN], [DEFAULT_LINE_KEYS]);
    await sink.flush();
    await sink.shutdown();
    const resource = otlp.logs[before]?.resource ?? {};
    // Detected inside the worker, the command would be the worker's entry module.
    expect(resource['process.command']).toBe(process.argv[1]);
    expect(resource['process.pid']).toBe(process.pid);
    expect(resource['process.command_args']).toEqual(processAttributes()['process.command_args']);
    expect(resource['host.name']).toBeTypeOf('string');
    expect(resource['service.name']).toBe('worker-test');
  });

  it('drops and counts lines beyond its in-flight bound instead of queueing them', async () => {
    const { opts, drops } = options();
    const sink = new WorkerLogSink({ ...opts, maxInFlight: 10 });
    const batch = Array.from({ length: 8 }, (_, i) => inSpan(`b${i}`));
    const spans = batch.map(() => SPAN);
    const keys = batch.map(() => DEFAULT_LINE_KEYS);
    sink.ship(batch, spans, keys);
    sink.ship(batch, spans, keys); // 16 > 10 in flight: refused whole
    expect(drops.counts().logs).toBe(8);
    await sink.shutdown();
  });

  it('reports a worker that cannot start, counts what it held, and asks for the fallback', async () => {
    // An export timeout the OTLP exporter rejects makes the worker module throw at start.
    const { opts, drops, failed } = options({ exportTimeoutMs: -1 });
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    const sink = new WorkerLogSink(opts);
    sink.ship([inSpan('lost')], [SPAN], [DEFAULT_LINE_KEYS]);
    await sink.flush(); // resolves once the failure is known
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('warning', onWarning);

    expect(failed()).toBe(true);
    expect(drops.counts().logs).toBe(1);
    expect(warnings.map((w) => (w as Error & { code?: string }).code)).toContain(
      'SL_ERR_SDK_LOG_SHIPPING_FAILED',
    );
    await expect(sink.shutdown()).resolves.toBeUndefined();
  });
});
