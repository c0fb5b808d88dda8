import { SeverityNumber } from '@opentelemetry/api-logs';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { hrToNanos, select, startTestSightline } from './harness.ts';
import { expectExportedAsSent } from './otlp-readback-check.ts';
import { TeeLogExporter } from './tee-exporters.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

interface StoredLog {
  ts: string;
  TraceId: string;
  SpanId: string;
  TraceFlags: number;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  LogAttributes: Record<string, string>;
}

describe.each([
  ['protobuf', (url: string) => new ProtoLogExporter({ url })],
  ['json', (url: string) => new JsonLogExporter({ url })],
] as const)('logs from the OpenTelemetry JS SDK over OTLP/HTTP %s', (encoding, makeExporter) => {
  it('are stored with severities, bodies, attributes and trace context exact', async () => {
    const service = `payments-${encoding}`;
    const tee = new TeeLogExporter(makeExporter(`${s.otlpUrl}/v1/logs`));
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': service, region: 'eu-1' }),
      processors: [new SimpleLogRecordProcessor({ exporter: tee })],
    });
    const logger = provider.getLogger('payments-logger', '0.9.0');
    const spanContext = {
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      traceFlags: TraceFlags.SAMPLED,
    };
    const ctx = trace.setSpanContext(context.active(), spanContext);
    logger.emit({
      severityNumber: SeverityNumber.ERROR,
      severityText: 'ERROR',
      body: 'card declined',
      attributes: { 'order.id': 42, retry: true },
      context: ctx,
    });
    logger.emit({
      severityNumber: SeverityNumber.INFO2,
      severityText: 'info',
      body: { msg: 'structured', n: 3, nested: { ok: true } },
    });
    logger.emit({ severityNumber: SeverityNumber.DEBUG, body: 'no severity text' });
    await provider.forceFlush();
    await provider.shutdown();
    expect(tee.failures).toEqual([]);
    const sent = tee.sent.flat();
    expect(sent).toHaveLength(3);

    const stored = await select<StoredLog>(
      s,
      `SELECT *, toString(toUnixTimestamp64Nano(Timestamp)) AS ts FROM sightline.otel_logs
       WHERE ServiceName = {svc:String} ORDER BY Timestamp`,
      { svc: service },
    );
    expect(stored).toHaveLength(3);
    const byText = (sev: number) => stored.find((r) => r.SeverityNumber === sev)!;
    const [errorLog, structured, debug] = sent;
    expect(byText(SeverityNumber.ERROR)).toMatchObject({
      ts: hrToNanos(errorLog!.hrTime),
      TraceId: spanContext.traceId,
      SpanId: spanContext.spanId,
      TraceFlags: 1,
      SeverityText: 'ERROR',
      Body: 'card declined',
      ServiceName: service,
      ResourceAttributes: { 'service.name': service, region: 'eu-1' },
      ScopeName: 'payments-logger',
      ScopeVersion: '0.9.0',
      LogAttributes: { 'order.id': '42', retry: 'true' },
    });
    expect(byText(SeverityNumber.INFO2)).toMatchObject({
      ts: hrToNanos(structured!.hrTime),
      TraceId: '',
      SpanId: '',
      SeverityText: 'info',
      Body: JSON.stringify({ msg: 'structured', n: 3, nested: { ok: true } }),
    });
    expect(byText(SeverityNumber.DEBUG)).toMatchObject({
      ts: hrToNanos(debug!.hrTime),
      SeverityText: '',
      Body: 'no severity text',
    });
  });
});

const GRPC = { compression: CompressionAlgorithm.GZIP };
const TRANSPORTS = [
  ['protobuf', () => new ProtoLogExporter({ url: `${s.otlpUrl}/v1/logs` })],
  ['json', () => new JsonLogExporter({ url: `${s.otlpUrl}/v1/logs` })],
  ['grpc', () => new GrpcLogExporter({ url: s.grpcUrl!, ...GRPC })],
] as const;

describe.each(TRANSPORTS)('every field the JS log exporter sends over %s', (transport, make) => {
  it('comes back from the API or the store: event names, scopes, zeros, empty strings, non-ASCII, edge nanoseconds', async () => {
    const service = `journal-${transport}-ü`;
    const tee = new TeeLogExporter(make());
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'host.cpus': 0, région: '' }),
      processors: [new SimpleLogRecordProcessor({ exporter: tee })],
    });
    const logger = provider.getLogger('journal.paiements', '2.0.0-ß', {
      schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
    });
    const ctx = trace.setSpanContext(context.active(), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
    });
    const sec = Math.floor(Date.now() / 1000) - 60;
    logger.emit({
      timestamp: [sec, 999_999_999],
      observedTimestamp: [sec + 1, 0],
      severityNumber: SeverityNumber.FATAL4,
      severityText: 'Fehler',
      eventName: 'paiement.refusé',
      body: 'carte refusée ✗ 支付',
      attributes: { zero: 0, ratio: 0.5, leer: '', ok: false, ключ: 'значение' },
      context: ctx,
    });
    // Everything at its default: no severity, no text, an empty body, no context.
    logger.emit({ timestamp: [sec + 1, 0], body: '' });
    // One nanosecond into a second: the stored 19-digit nanoseconds must not lose it.
    logger.emit({ timestamp: [sec + 2, 1], body: 'fin', eventName: 'e' });
    await provider.forceFlush();
    await provider.shutdown();
    expect(tee.failures).toEqual([]);

    await expectExportedAsSent(s, 'logs', JsonLogsSerializer, tee.sent.flat(), service);
  });
});
