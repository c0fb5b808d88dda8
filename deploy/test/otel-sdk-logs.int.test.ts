import { SeverityNumber } from '@opentelemetry/api-logs';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline } from './harness.ts';
import { expectRecordedAsStored } from './otlp-readback-check.ts';
import { startWireRecorder, type WireRecorder } from './otlp-wire-recorder.ts';
import { TeeLogExporter } from './tee-exporters.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

type Recorder = WireRecorder;
const TRANSPORTS = [
  ['protobuf', (r: Recorder) => new ProtoLogExporter({ url: `${r.otlpUrl}/v1/logs` })],
  ['json', (r: Recorder) => new JsonLogExporter({ url: `${r.otlpUrl}/v1/logs` })],
  [
    'grpc',
    (r: Recorder) =>
      new GrpcLogExporter({ url: r.grpcUrl, compression: CompressionAlgorithm.GZIP }),
  ],
] as const;

describe.each(TRANSPORTS)('every field the JS log exporter sends over %s', (transport, make) => {
  it('comes back from the API or the store: event names, scopes, zeros, empty strings, non-ASCII, edge nanoseconds', async () => {
    const service = `journal-${transport}-ü`;
    const recorder = await startWireRecorder(s);
    const tee = new TeeLogExporter(make(recorder));
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
    // A structured body and attributes of every type, with the sampled flag set.
    logger.emit({
      timestamp: [sec + 3, 0],
      severityNumber: SeverityNumber.INFO2,
      severityText: 'info',
      body: { msg: 'structured', n: 3, nested: { ok: true }, list: ['a', 1.5] },
      attributes: {
        'order.id': 42,
        retry: true,
        tags: ['a', 'b'],
        safe: Number.MAX_SAFE_INTEGER,
        negative: -Number.MAX_SAFE_INTEGER,
        tiny: 5e-324,
        // int64's lowest value (over JSON the exporter writes -9223372036854776000).
        min: -(2 ** 63),
      },
      context: trace.setSpanContext(context.active(), {
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        traceFlags: TraceFlags.SAMPLED,
      }),
    });
    await provider.forceFlush();
    await provider.shutdown();
    expect(tee.failures).toEqual([]);

    // One request per record (SimpleLogRecordProcessor).
    expect(recorder.requests.logs).toHaveLength(4);
    await recorder.close();
    await expectRecordedAsStored(s, 'logs', recorder.merged('logs'), service);
  });
});
