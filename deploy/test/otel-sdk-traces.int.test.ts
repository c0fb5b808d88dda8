import { randomBytes } from 'node:crypto';
import {
  context,
  createTraceState,
  SpanKind,
  SpanStatusCode,
  trace,
  type Link,
} from '@opentelemetry/api';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { hrToNanos, select, startTestSightline } from './harness.ts';
import { expectExportedAsSent } from './otlp-readback-check.ts';
import { TeeSpanExporter } from './tee-exporters.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

interface StoredSpan {
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  start: string;
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  eventTimes: string[];
  'Events.Name': string[];
  'Events.Attributes': Record<string, string>[];
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Record<string, string>[];
}

describe.each([
  ['protobuf', (url: string) => new ProtoTraceExporter({ url })],
  ['json', (url: string) => new JsonTraceExporter({ url })],
] as const)('spans from the OpenTelemetry JS SDK over OTLP/HTTP %s', (encoding, makeExporter) => {
  it('are stored with every field exact', async () => {
    const service = `checkout-${encoding}`;
    const tee = new TeeSpanExporter(makeExporter(`${s.otlpUrl}/v1/traces`));
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': service,
        'deployment.environment': 'test',
        'host.cpus': 2,
      }),
      spanProcessors: [new SimpleSpanProcessor(tee)],
    });
    const tracer = provider.getTracer('shop-scope', '1.2.3');
    const linked = tracer.startSpan('linked-work');
    linked.end();
    const link: Link = {
      context: linked.spanContext(),
      attributes: { 'link.reason': 'follows', 'link.n': 7 },
    };
    const root = tracer.startSpan('POST /checkout', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.method': 'POST',
        'http.status_code': 500,
        ratio: 0.25,
        ok: false,
        tags: ['a', 'b'],
      },
      links: [link],
    });
    root.addEvent('payment.retry', { attempt: 2, reason: 'timeout' });
    const ctx = trace.setSpan(
      trace.getActiveSpan() ? undefined! : (await import('@opentelemetry/api')).context.active(),
      root,
    );
    const child = tracer.startSpan(
      'SELECT orders',
      { kind: SpanKind.CLIENT, attributes: { 'db.system': 'clickhouse' } },
      ctx,
    );
    child.setStatus({ code: SpanStatusCode.OK });
    child.end();
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    root.end();
    await provider.forceFlush();
    await provider.shutdown();
    expect(tee.failures).toEqual([]);

    const sent = tee.sent.flat();
    expect(sent).toHaveLength(3);
    const stored = await select<StoredSpan>(
      s,
      `SELECT *, toString(toUnixTimestamp64Nano(Timestamp)) AS start,
         arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS eventTimes
       FROM sightline.otel_traces WHERE ServiceName = {svc:String}`,
      { svc: service },
    );
    expect(stored).toHaveLength(3);
    const kinds = ['Internal', 'Server', 'Client', 'Producer', 'Consumer'];
    for (const span of sent) {
      const row = stored.find((r) => r.SpanId === span.spanContext().spanId);
      expect(row, span.name).toBeDefined();
      const start = hrToNanos(span.startTime);
      const duration = (BigInt(hrToNanos(span.endTime)) - BigInt(start)).toString();
      expect(row).toMatchObject({
        TraceId: span.spanContext().traceId,
        ParentSpanId: span.parentSpanContext?.spanId ?? '',
        SpanName: span.name,
        SpanKind: kinds[span.kind],
        ServiceName: service,
        ResourceAttributes: {
          'service.name': service,
          'deployment.environment': 'test',
          'host.cpus': '2',
        },
        ScopeName: 'shop-scope',
        ScopeVersion: '1.2.3',
        start,
        Duration: duration,
      });
    }
    const rootRow = stored.find((r) => r.SpanName === 'POST /checkout')!;
    expect(rootRow.SpanAttributes).toEqual({
      'http.method': 'POST',
      'http.status_code': '500',
      ratio: '0.25',
      ok: 'false',
      tags: '["a","b"]',
    });
    expect(rootRow.StatusCode).toBe('Error');
    expect(rootRow.StatusMessage).toBe('card declined');
    const rootSent = sent.find((x) => x.name === 'POST /checkout')!;
    expect(rootRow.eventTimes).toEqual([hrToNanos(rootSent.events[0]!.time)]);
    expect(rootRow['Events.Name']).toEqual(['payment.retry']);
    expect(rootRow['Events.Attributes']).toEqual([{ attempt: '2', reason: 'timeout' }]);
    expect(rootRow['Links.TraceId']).toEqual([linked.spanContext().traceId]);
    expect(rootRow['Links.SpanId']).toEqual([linked.spanContext().spanId]);
    expect(rootRow['Links.Attributes']).toEqual([{ 'link.reason': 'follows', 'link.n': '7' }]);
    const childRow = stored.find((r) => r.SpanName === 'SELECT orders')!;
    expect(childRow.ParentSpanId).toBe(rootRow.SpanId);
    expect(childRow.TraceId).toBe(rootRow.TraceId);
    expect(childRow.StatusCode).toBe('Ok');
    expect(childRow.SpanKind).toBe('Client');

    // The query API returns the same trace.
    const res = await fetch(`${s.apiUrl}/api/v1/traces/${rootRow.TraceId}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { spans: { spanId: string; startTimeUnixNano: string }[] };
    expect(body.spans.map((x) => x.spanId).sort()).toEqual(
      [rootRow.SpanId, childRow.SpanId].sort(),
    );
    expect(body.spans.find((x) => x.spanId === rootRow.SpanId)?.startTimeUnixNano).toBe(
      rootRow.start,
    );
  });
});

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

const TRANSPORTS = [
  ['protobuf', () => new ProtoTraceExporter({ url: `${s.otlpUrl}/v1/traces` })],
  ['json', () => new JsonTraceExporter({ url: `${s.otlpUrl}/v1/traces` })],
  [
    'grpc',
    () => new GrpcTraceExporter({ url: s.grpcUrl!, compression: CompressionAlgorithm.GZIP }),
  ],
] as const;

describe.each(TRANSPORTS)('every field the JS span exporter sends over %s', (transport, make) => {
  it('comes back from the trace API: trace state, zero durations, zeros, empty strings, non-ASCII', async () => {
    const service = `kasse-${transport}-ø`;
    const tee = new TeeSpanExporter(make());
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'host.cpus': 0, zone: '' }),
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
        attributes: { zero: 0, ratio: 0.5, leer: '', ok: false, ключ: 'значение' },
        links: [{ context: linked.spanContext(), attributes: { '': 'leerer Schlüssel' } }],
      },
      parent,
    );
    root.addEvent('', { n: 0 }, [sec, 999_999_999]);
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

    await expectExportedAsSent(s, 'traces', JsonTraceSerializer, tee.sent.flat(), service);
  });
});
