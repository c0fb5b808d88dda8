import { ValueType } from '@opentelemetry/api';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline } from './harness.ts';
import { expectRecordedAsStored, recordsOf } from './otlp-readback-check.ts';
import type { Row } from './otlp-schema-readback.ts';
import { kvMap } from './otlp-schema-walk.ts';
import { startWireRecorder, type WireRecorder } from './otlp-wire-recorder.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

type Temporality = AggregationTemporalityPreference;
const TRANSPORTS = [
  [
    'protobuf',
    (r: WireRecorder, temporalityPreference: Temporality) =>
      new ProtoMetricExporter({ url: `${r.otlpUrl}/v1/metrics`, temporalityPreference }),
  ],
  [
    'json',
    (r: WireRecorder, temporalityPreference: Temporality) =>
      new JsonMetricExporter({ url: `${r.otlpUrl}/v1/metrics`, temporalityPreference }),
  ],
  [
    'grpc',
    (r: WireRecorder, temporalityPreference: Temporality) =>
      new GrpcMetricExporter({
        url: r.grpcUrl,
        compression: CompressionAlgorithm.GZIP,
        temporalityPreference,
      }),
  ],
] as const;

// OTLP numbers temporality DELTA=1, CUMULATIVE=2.
const TEMPORALITIES = [
  ['cumulative', AggregationTemporalityPreference.CUMULATIVE, 2],
  ['delta', AggregationTemporalityPreference.DELTA, 1],
] as const;

/** Records every instrument kind twice (two collections), with zeros, int64 edges and non-ASCII. */
async function recordMetrics(exporter: PushMetricExporter, service: string): Promise<void> {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service, région: 'Zürich', leer: '' }),
    readers: [reader],
    views: [
      {
        instrumentName: 'payload.size',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
      },
    ],
  });
  const meter = provider.getMeter('warenkorb.zähler', '2.0.0-β', {
    schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
  });
  const requests = meter.createCounter('http.requests', {
    description: 'requests served — bedient',
    unit: '{request}',
  });
  requests.add(3, { route: '/cart' });
  requests.add(4, { route: '/cart' });
  // int64's lowest value (over JSON the exporter writes -9223372036854776000).
  const edge = { min: -(2 ** 63) };
  requests.add(1, { route: '/pay', ok: true, code: 200, ratio: 0.5, ...edge });
  // A zero is a value like any other; attribute values need not be ASCII or non-empty.
  requests.add(0, { route: '/zahlung-ü', leer: '' });
  meter
    .createCounter('bytes.sent', { valueType: ValueType.INT, unit: 'By' })
    .add(Number.MAX_SAFE_INTEGER);
  const inflight = meter.createUpDownCounter('inflight', { valueType: ValueType.INT });
  inflight.add(-Number.MAX_SAFE_INTEGER);
  const latency = meter.createHistogram('http.latency', {
    unit: 'ms',
    advice: { explicitBucketBoundaries: [0, 10, 100] },
  });
  for (const v of [0, 1, 5, 50, 500]) latency.record(v, { route: '/cart' });
  const size = meter.createHistogram('payload.size', { unit: 'By' });
  for (const v of [0, 1, 2, 4, 1024]) size.record(v);
  // A second scope, whose gauge reports a zero and a NaN at every collection.
  provider
    .getMeter('queue-meter')
    .createObservableGauge('queue.depth')
    .addCallback((r) => {
      r.observe(17.5, { queue: 'orders' });
      r.observe(0, { queue: 'Bestellungen ✓' });
      r.observe(NaN, { queue: 'unbekannt' });
    });
  await reader.forceFlush();
  // The second collection: a delta carries only what changed, a cumulative everything so far.
  requests.add(2, { route: '/cart' });
  latency.record(7, { route: '/cart' });
  await provider.shutdown();
}

const points = (request: object, name: string): Row[] =>
  recordsOf('metrics', request)
    .map((r) => r.sent)
    .filter((p) => p.$name === name);
const value = (p: Row): number => Number(p.asDouble ?? p.asInt);

describe.each(TRANSPORTS)(
  'metrics from the OpenTelemetry JS SDK over OTLP %s',
  (transport, make) => {
    it.each(TEMPORALITIES)(
      '%s: every field of every data point comes back as the exporter sent it',
      async (temporality, preference, otlpTemporality) => {
        const service = `warenkorb-${transport}-${temporality}-ü`;
        const recorder = await startWireRecorder(s);
        try {
          await recordMetrics(make(recorder, preference), service);
          expect(recorder.requests.metrics).toHaveLength(2);
          const sent = recorder.merged('metrics');

          // What the exporter sent covers what this test is about.
          const requests = points(sent, 'http.requests');
          const byRoute = (ps: Row[]) => ps.map((p) => [kvMap(p.attributes ?? []).route, value(p)]);
          expect(byRoute(requests.slice(0, 3))).toEqual([
            ['/cart', 7],
            ['/pay', 1],
            ['/zahlung-ü', 0],
          ]);
          expect(byRoute(requests.slice(3))).toEqual(
            temporality === 'delta'
              ? [['/cart', 2]]
              : [
                  ['/cart', 9],
                  ['/pay', 1],
                  ['/zahlung-ü', 0],
                ],
          );
          // Integer instruments are sent as asInt.
          expect(points(sent, 'bytes.sent')[0]!.asInt).toBeDefined();
          expect(points(sent, 'inflight')[0]!.asInt).toBeDefined();
          expect(value(points(sent, 'bytes.sent')[0]!)).toBe(Number.MAX_SAFE_INTEGER);
          expect(value(points(sent, 'inflight')[0]!)).toBe(-Number.MAX_SAFE_INTEGER);
          const [latency] = points(sent, 'http.latency');
          expect((latency!.bucketCounts as unknown[]).map(Number)).toEqual([1, 2, 1, 1]);
          expect(Number(points(sent, 'payload.size')[0]!.zeroCount)).toBe(1);
          const gauges = points(sent, 'queue.depth').slice(0, 3);
          expect(gauges.map((p) => kvMap(p.attributes).queue)).toEqual([
            'orders',
            'Bestellungen ✓',
            'unbekannt',
          ]);
          expect(gauges.map((p) => p.asDouble)).toEqual(
            // JSON has no NaN: the JS exporter writes null, which the walk reads as not sent.
            transport === 'json' ? [17.5, 0, null] : [17.5, 0, NaN],
          );
          // The SDK keeps an UpDownCounter cumulative whatever the preference (the OTel spec's rule).
          for (const { sent: p } of recordsOf('metrics', sent).filter((x) => x.sent.$temporality))
            expect(p.$temporality, String(p.$name)).toBe(
              p.$name === 'inflight' ? 2 : otlpTemporality,
            );

          await expectRecordedAsStored(s, 'metrics', sent, service);
        } finally {
          await recorder.close();
        }
      },
    );
  },
);
