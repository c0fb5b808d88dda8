import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  AggregationType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import {
  Client,
  Metadata,
  credentials,
  status as GrpcStatus,
  type ServiceError,
} from '@grpc/grpc-js';
import { GRPC_SERVICES } from '@sightline/collector/receive/grpc-server';
import { REQUEST_TYPES } from '@sightline/collector/otlp/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { nowNanos, select, startTestSightline } from './harness.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

interface Exporter<T> {
  export(items: T, done: (r: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

async function exportOnce<T>(exporter: Exporter<T>, items: T): Promise<void> {
  const result = await new Promise<ExportResult>((resolve) => exporter.export(items, resolve));
  await exporter.shutdown();
  expect(result.error?.message, 'export failed').toBeUndefined();
  expect(result.code).toBe(ExportResultCode.SUCCESS);
}

const resourceFor = (service: string): Resource =>
  resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test' });

/** The same SDK object seen under another resource: nothing else about it changes. */
const withResource = <T extends object>(item: T, resource: Resource): T =>
  Object.create(item, { resource: { value: resource, enumerable: true } }) as T;

/** Rows of one service with the service name (the only thing varied) taken out, in a stable order. */
async function rowsOf(table: string, service: string): Promise<Record<string, unknown>[]> {
  const rows = await select<Record<string, unknown>>(
    s,
    `SELECT * FROM sightline.${table} WHERE ServiceName = {svc:String}`,
    { svc: service },
  );
  return rows
    .map((r) => {
      const attrs = { ...(r.ResourceAttributes as Record<string, string>) };
      delete attrs['service.name'];
      const row: Record<string, unknown> = { ...r, ResourceAttributes: attrs };
      delete row.ServiceName;
      return row;
    })
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const GRPC = { compression: CompressionAlgorithm.GZIP };

describe('the OpenTelemetry JS gRPC exporters (gzip) store exactly what OTLP/HTTP protobuf stores', () => {
  it('for spans', async () => {
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFor('unused'),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    });
    const tracer = provider.getTracer('shop', '1.2.3');
    const linked = tracer.startSpan('linked');
    linked.end();
    const root = tracer.startSpan('POST /checkout', {
      kind: SpanKind.SERVER,
      attributes: { 'http.status_code': 500, ratio: 0.25, tags: ['a', 'b'] },
      links: [{ context: linked.spanContext(), attributes: { n: 7 } }],
    });
    root.addEvent('payment.retry', { attempt: 2 });
    const child = tracer.startSpan(
      'SELECT orders',
      { kind: SpanKind.CLIENT },
      trace.setSpan(context.active(), root),
    );
    child.setStatus({ code: SpanStatusCode.OK });
    child.end();
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    root.end();
    await provider.forceFlush();
    // Taken before shutdown, which empties the in-memory exporter.
    const spans = memory.getFinishedSpans();
    await provider.shutdown();
    expect(spans).toHaveLength(3);

    const as = (svc: string): ReadableSpan[] => spans.map((x) => withResource(x, resourceFor(svc)));
    await exportOnce(new GrpcTraceExporter({ url: s.grpcUrl!, ...GRPC }), as('spans-grpc'));
    await exportOnce(new ProtoTraceExporter({ url: `${s.otlpUrl}/v1/traces` }), as('spans-http'));

    const viaGrpc = await rowsOf('otel_traces', 'spans-grpc');
    expect(viaGrpc).toHaveLength(3);
    expect(viaGrpc.map((r) => r.SpanName).sort()).toEqual([
      'POST /checkout',
      'SELECT orders',
      'linked',
    ]);
    expect(viaGrpc).toEqual(await rowsOf('otel_traces', 'spans-http'));
  });

  it('for logs', async () => {
    const memory = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFor('unused'),
      processors: [new SimpleLogRecordProcessor({ exporter: memory })],
    });
    const logger = provider.getLogger('payments', '0.9.0');
    const ctx = trace.setSpanContext(context.active(), {
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      traceFlags: 1,
    });
    logger.emit({
      severityNumber: SeverityNumber.ERROR,
      severityText: 'ERROR',
      body: 'card declined',
      attributes: { 'order.id': 42, retry: true },
      context: ctx,
    });
    logger.emit({ severityNumber: SeverityNumber.INFO2, body: { structured: ['x', 1] } });
    await provider.forceFlush();
    const records = memory.getFinishedLogRecords();
    await provider.shutdown();
    expect(records).toHaveLength(2);

    const as = (svc: string): ReadableLogRecord[] =>
      records.map((x) => withResource(x, resourceFor(svc)));
    await exportOnce(new GrpcLogExporter({ url: s.grpcUrl!, ...GRPC }), as('logs-grpc'));
    await exportOnce(new ProtoLogExporter({ url: `${s.otlpUrl}/v1/logs` }), as('logs-http'));

    const viaGrpc = await rowsOf('otel_logs', 'logs-grpc');
    expect(viaGrpc).toHaveLength(2);
    expect(viaGrpc.map((r) => r.Body).sort()).toEqual(['card declined', '{"structured":["x",1]}']);
    expect(viaGrpc).toEqual(await rowsOf('otel_logs', 'logs-http'));
  });

  it('for metrics of every type', async () => {
    const memory = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const provider = new MeterProvider({
      resource: resourceFor('unused'),
      readers: [
        new PeriodicExportingMetricReader({ exporter: memory, exportIntervalMillis: 3_600_000 }),
      ],
      views: [
        {
          instrumentName: 'payload.size',
          aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
        },
      ],
    });
    const meter = provider.getMeter('cart', '2.0.0');
    const requests = meter.createCounter('http.requests', { unit: '{request}' });
    requests.add(3, { route: '/cart' });
    requests.add(1, { route: '/pay' });
    meter.createUpDownCounter('inflight').add(-2);
    const latency = meter.createHistogram('http.latency', {
      unit: 'ms',
      advice: { explicitBucketBoundaries: [0, 10, 100] },
    });
    for (const v of [1, 50, 500]) latency.record(v);
    for (const v of [1, 2, 1024]) meter.createHistogram('payload.size').record(v);
    meter.createObservableGauge('queue.depth').addCallback((r) => r.observe(17.5, { q: 'orders' }));
    await provider.forceFlush();
    const collected = memory.getMetrics();
    await provider.shutdown();
    expect(collected.length).toBeGreaterThan(0);
    const batch = collected[0]!;

    const as = (svc: string): ResourceMetrics => ({ ...batch, resource: resourceFor(svc) });
    await exportOnce(new GrpcMetricExporter({ url: s.grpcUrl!, ...GRPC }), as('metrics-grpc'));
    await exportOnce(
      new ProtoMetricExporter({ url: `${s.otlpUrl}/v1/metrics` }),
      as('metrics-http'),
    );

    const expected = {
      otel_metrics_sum: 3,
      otel_metrics_histogram: 1,
      otel_metrics_exp_histogram: 1,
      otel_metrics_gauge: 1,
    };
    for (const [table, count] of Object.entries(expected)) {
      const viaGrpc = await rowsOf(table, 'metrics-grpc');
      expect(viaGrpc, table).toHaveLength(count);
      expect(viaGrpc, table).toEqual(await rowsOf(table, 'metrics-http'));
    }
  });
});

/** Raw bytes to an Export method through a generic grpc-js client, as a broken client would send. */
function sendRaw(
  signal: 'traces' | 'logs' | 'metrics',
  body: Buffer,
): Promise<ServiceError | null> {
  const client = new Client(s.grpcUrl!.replace(/^http:\/\//, ''), credentials.createInsecure(), {
    'grpc.default_compression_algorithm': 2, // gzip
  });
  return new Promise((resolve) =>
    client.makeUnaryRequest(
      `/${GRPC_SERVICES[signal]}/Export`,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      new Metadata(),
      (err) => {
        client.close();
        resolve(err);
      },
    ),
  );
}

describe('malformed OTLP/gRPC payloads', () => {
  it('answer INVALID_ARGUMENT and lose nothing sent after them', async () => {
    for (const signal of ['traces', 'logs', 'metrics'] as const) {
      const err = await sendRaw(signal, Buffer.from([0x0a, 0x05, 0x0a, 0xff, 0xff]));
      expect(err?.code, signal).toBe(GrpcStatus.INVALID_ARGUMENT);
      expect(err?.details, signal).toMatch(/not a valid protobuf Export\w+ServiceRequest/);
    }

    const start = nowNanos();
    const valid = REQUEST_TYPES.logs.encode(
      REQUEST_TYPES.logs.fromObject({
        resourceLogs: [
          {
            resource: {
              attributes: [{ key: 'service.name', value: { stringValue: 'after-bad' } }],
            },
            scopeLogs: [
              {
                logRecords: [
                  { timeUnixNano: start, severityNumber: 9, body: { stringValue: 'still here' } },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(await sendRaw('logs', Buffer.from(valid.finish()))).toBeNull();
    const stored = await select<{ Body: string; SeverityNumber: number }>(
      s,
      `SELECT Body, SeverityNumber FROM sightline.otel_logs WHERE ServiceName = 'after-bad'`,
    );
    expect(stored).toEqual([{ Body: 'still here', SeverityNumber: 9 }]);
  });
});
