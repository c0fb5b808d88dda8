import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { hrToNanos, select, startTestSightline } from './harness.ts';
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
