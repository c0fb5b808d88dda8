import { randomBytes } from 'node:crypto';
import { context, createTraceState, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline } from './harness.ts';
import { expectRecordedAsStored } from './otlp-readback-check.ts';
import { startWireRecorder, type WireRecorder } from './otlp-wire-recorder.ts';
import { TeeSpanExporter } from './tee-exporters.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

describe('trace by id', () => {
  it('answers 404 with a code for an unknown trace and 400 for a malformed id', async () => {
    const missing = await fetch(`${s.apiUrl}/api/v1/traces/${'ab'.repeat(16)}`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'SL_ERR_TRACE_NOT_FOUND' } });
    const bad = await fetch(`${s.apiUrl}/api/v1/traces/not-an-id`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'SL_ERR_VALIDATION' } });
  });
});

type Recorder = WireRecorder;
const TRANSPORTS = [
  ['protobuf', (r: Recorder) => new ProtoTraceExporter({ url: `${r.otlpUrl}/v1/traces` })],
  ['json', (r: Recorder) => new JsonTraceExporter({ url: `${r.otlpUrl}/v1/traces` })],
  [
    'grpc',
    (r: Recorder) =>
      new GrpcTraceExporter({ url: r.grpcUrl, compression: CompressionAlgorithm.GZIP }),
  ],
] as const;

describe.each(TRANSPORTS)('every field the JS span exporter sends over %s', (transport, make) => {
  it('comes back from the trace API: trace state, zero durations, zeros, empty strings, non-ASCII', async () => {
    const service = `kasse-${transport}-ø`;
    const recorder = await startWireRecorder(s);
    const tee = new TeeSpanExporter(make(recorder));
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': service,
        'host.cpus': 0,
        zone: '',
        'deployment.environment': 'test',
      }),
      spanProcessors: [new SimpleSpanProcessor(tee)],
    });
    const tracer = provider.getTracer('kasse.zahlung', '', {
      schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
    });
    // A remote parent carrying trace state, as propagated from another service.
    const parent = trace.setSpanContext(context.active(), {
      traceId: randomBytes(16).toString('hex'),
      spanId: 'eee19b7ec3c1b174',
      traceFlags: 1,
      traceState: createTraceState('vendor=wert,other=1'),
      isRemote: true,
    });
    const linked = tracer.startSpan('verknüpft');
    linked.end();
    const sec = Math.floor(Date.now() / 1000) - 60;
    const root = tracer.startSpan(
      'POST /zahlung/€',
      {
        kind: SpanKind.CONSUMER,
        startTime: [sec, 999_999_999],
        attributes: {
          zero: 0,
          ratio: 0.5,
          leer: '',
          ok: false,
          ключ: 'значение',
          'http.status_code': 500,
          tags: ['a', 'b'],
          mixed: [1.5, -2],
          // int64's lowest value (over JSON the exporter writes -9223372036854776000).
          min: -(2 ** 63),
        },
        links: [
          {
            context: linked.spanContext(),
            attributes: { '': 'leerer Schlüssel', 'link.n': 7 },
          },
        ],
      },
      parent,
    );
    root.addEvent('', { n: 0, reason: 'timeout' }, [sec, 999_999_999]);
    root.addEvent('retry ✓', [sec + 1, 1]);
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'Zahlung abgelehnt ✗' });
    // Zero duration: ends the nanosecond it starts.
    root.end([sec, 999_999_999]);
    const child = tracer.startSpan(
      '',
      { kind: SpanKind.PRODUCER, startTime: [sec + 1, 0] },
      trace.setSpan(context.active(), root),
    );
    child.setStatus({ code: SpanStatusCode.OK, message: '' });
    child.end([sec + 1, 1]);
    await provider.forceFlush();
    await provider.shutdown();
    expect(tee.failures).toEqual([]);

    // One request per span (SimpleSpanProcessor): linked, root, child.
    expect(recorder.requests.traces).toHaveLength(3);
    await recorder.close();
    await expectRecordedAsStored(s, 'traces', recorder.merged('traces'), service);
  });
});
