import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  DataPointType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type Histogram,
  type ExponentialHistogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { hrToNanos, select, startTestSightline } from './harness.ts';
import { TeeMetricExporter } from './tee-exporters.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

const ts = `toString(toUnixTimestamp64Nano(StartTimeUnix)) AS start, toString(toUnixTimestamp64Nano(TimeUnix)) AS time`;

describe.each([
  ['protobuf', 'cumulative', (url: string) => new ProtoMetricExporter({ url })],
  [
    'grpc',
    'delta',
    // The gRPC exporter speaks to the gRPC port, not the OTLP/HTTP URL it is given.
    () =>
      new GrpcMetricExporter({
        url: s.grpcUrl!,
        compression: CompressionAlgorithm.GZIP,
        temporalityPreference: AggregationTemporalityPreference.DELTA,
      }),
  ],
  [
    'json',
    'delta',
    (url: string) =>
      new JsonMetricExporter({
        url,
        temporalityPreference: AggregationTemporalityPreference.DELTA,
      }),
  ],
] as const)(
  'metrics from the OpenTelemetry JS SDK over OTLP %s (%s)',
  (encoding, temporality, makeExporter) => {
    it('are stored per type with values, buckets and temporality exact', async () => {
      const service = `cart-${encoding}`;
      const tee = new TeeMetricExporter(makeExporter(`${s.otlpUrl}/v1/metrics`));
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        readers: [
          new PeriodicExportingMetricReader({ exporter: tee, exportIntervalMillis: 3_600_000 }),
        ],
        views: [
          {
            instrumentName: 'payload.size',
            aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
          },
        ],
      });
      const meter = provider.getMeter('cart-meter', '2.0.0');
      const requests = meter.createCounter('http.requests', {
        description: 'requests served',
        unit: '{request}',
      });
      requests.add(3, { route: '/cart' });
      requests.add(4, { route: '/cart' });
      requests.add(1, { route: '/pay' });
      // A zero is a value like any other, and attribute values need not be ASCII.
      requests.add(0, { route: '/zahlung-ü' });
      const inflight = meter.createUpDownCounter('inflight');
      inflight.add(5);
      inflight.add(-2);
      const latency = meter.createHistogram('http.latency', {
        unit: 'ms',
        advice: { explicitBucketBoundaries: [0, 10, 100] },
      });
      for (const v of [1, 5, 50, 500]) latency.record(v, { route: '/cart' });
      const size = meter.createHistogram('payload.size');
      for (const v of [1, 2, 4, 1024]) size.record(v);
      meter.createObservableGauge('queue.depth').addCallback((r) => {
        r.observe(17.5, { queue: 'orders' });
        r.observe(0, { queue: 'Bestellungen ✓' });
      });
      // Shutting down collects and exports once (a flush before it would export a second collection).
      await provider.shutdown();
      expect(tee.failures).toEqual([]);
      expect(tee.sent).toHaveLength(1);

      const sent = new Map<string, MetricData>();
      for (const rm of tee.sent)
        for (const sm of rm.scopeMetrics)
          for (const m of sm.metrics) sent.set(m.descriptor.name, m);
      const t =
        temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
      // OTLP numbers temporality DELTA=1, CUMULATIVE=2; the SDK's enum is 0/1.
      const otlpTemporality = t === AggregationTemporality.DELTA ? 1 : 2;

      const sums = await select<{
        MetricName: string;
        Value: number;
        Attributes: Record<string, string>;
        IsMonotonic: boolean;
        AggregationTemporality: number;
        MetricDescription: string;
        MetricUnit: string;
        ScopeName: string;
        ScopeVersion: string;
        start: string;
        time: string;
      }>(
        s,
        `SELECT *, ${ts} FROM sightline.otel_metrics_sum WHERE ServiceName = {svc:String} ORDER BY MetricName, Value`,
        { svc: service },
      );
      const reqPoints = sent.get('http.requests')!.dataPoints;
      expect(
        sums
          .filter((r) => r.MetricName === 'http.requests')
          .map((r) => [r.Attributes.route, r.Value]),
      ).toEqual([
        ['/zahlung-ü', 0],
        ['/pay', 1],
        ['/cart', 7],
      ]);
      const cart = sums.find((r) => r.Attributes.route === '/cart')!;
      const cartSent = reqPoints.find((p) => p.attributes.route === '/cart')!;
      expect(cart).toMatchObject({
        IsMonotonic: true,
        AggregationTemporality: otlpTemporality,
        MetricDescription: 'requests served',
        MetricUnit: '{request}',
        ScopeName: 'cart-meter',
        ScopeVersion: '2.0.0',
        start: hrToNanos(cartSent.startTime),
        time: hrToNanos(cartSent.endTime),
      });
      const inflightRow = sums.find((r) => r.MetricName === 'inflight')!;
      expect(inflightRow).toMatchObject({ Value: 3, IsMonotonic: false });

      const hist = await select<{
        Count: string;
        Sum: number;
        BucketCounts: string[];
        ExplicitBounds: number[];
        Min: number;
        Max: number;
        AggregationTemporality: number;
        Attributes: Record<string, string>;
        start: string;
        time: string;
      }>(
        s,
        `SELECT *, ${ts} FROM sightline.otel_metrics_histogram WHERE ServiceName = {svc:String}`,
        { svc: service },
      );
      const latSent = sent.get('http.latency')!.dataPoints[0]! as {
        value: Histogram;
        startTime: [number, number];
        endTime: [number, number];
      };
      expect(hist).toEqual([
        expect.objectContaining({
          Count: '4',
          Sum: 556,
          BucketCounts: ['0', '2', '1', '1'],
          ExplicitBounds: [0, 10, 100],
          Min: 1,
          Max: 500,
          AggregationTemporality: otlpTemporality,
          Attributes: { route: '/cart' },
          start: hrToNanos(latSent.startTime),
          time: hrToNanos(latSent.endTime),
        }),
      ]);

      const exp = await select<{
        Count: string;
        Sum: number;
        Scale: number;
        ZeroCount: string;
        PositiveOffset: number;
        PositiveBucketCounts: string[];
        NegativeBucketCounts: string[];
        Min: number;
        Max: number;
      }>(s, `SELECT * FROM sightline.otel_metrics_exp_histogram WHERE ServiceName = {svc:String}`, {
        svc: service,
      });
      const expSent = sent.get('payload.size')!;
      expect(expSent.dataPointType).toBe(DataPointType.EXPONENTIAL_HISTOGRAM);
      const ev = expSent.dataPoints[0]!.value as ExponentialHistogram;
      expect(exp).toEqual([
        expect.objectContaining({
          Count: '4',
          Sum: 1031,
          Scale: ev.scale,
          ZeroCount: String(ev.zeroCount),
          PositiveOffset: ev.positive.offset,
          PositiveBucketCounts: ev.positive.bucketCounts.map(String),
          NegativeBucketCounts: ev.negative.bucketCounts.map(String),
          Min: 1,
          Max: 1024,
        }),
      ]);
      expect(ev.positive.bucketCounts.reduce((a, b) => a + b, 0)).toBe(4);

      const gauges = await select<{
        MetricName: string;
        Value: number;
        Attributes: Record<string, string>;
      }>(
        s,
        `SELECT MetricName, Value, Attributes FROM sightline.otel_metrics_gauge WHERE ServiceName = {svc:String} ORDER BY Value`,
        { svc: service },
      );
      expect(gauges).toEqual([
        { MetricName: 'queue.depth', Value: 0, Attributes: { queue: 'Bestellungen ✓' } },
        { MetricName: 'queue.depth', Value: 17.5, Attributes: { queue: 'orders' } },
      ]);
    });
  },
);
