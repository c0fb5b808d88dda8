/**
 * The "plain OpenTelemetry" variant of the overhead benchmark: what a user would write by hand
 * with the same building blocks as the Sightline SDK, and nothing of Sightline's (no
 * correlation ids, queue budgets, drop counting or log pipeline).
 *
 *   node --import tsx --import ./sdk/bench/otel-preload.ts sdk/bench/hello-server.ts
 *
 * Exports to OTEL_EXPORTER_OTLP_ENDPOINT as OTLP/HTTP protobuf, like the SDK.
 */
import FastifyOtel from '@fastify/otel';
import { metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const tracerProvider = new NodeTracerProvider({
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
});
tracerProvider.register(); // W3C tracecontext + baggage, as the SDK's default
const meterProvider = new MeterProvider({
  readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() })],
});
metrics.setGlobalMeterProvider(meterProvider);
registerInstrumentations({
  instrumentations: [
    new HttpInstrumentation(),
    new UndiciInstrumentation(),
    new FastifyOtel.FastifyOtelInstrumentation({ registerOnInitialization: true }),
    new RuntimeNodeInstrumentation(),
  ],
  tracerProvider,
  meterProvider,
});
process.once('SIGTERM', () => {
  void Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]).finally(() =>
    process.exit(0),
  );
});
