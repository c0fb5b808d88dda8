/**
 * The "plain OpenTelemetry" variant of the overhead benchmark: what a user would write by hand
 * with the same building blocks as the Sightline SDK, and nothing of Sightline's (no
 * correlation ids, queue budgets, drop counting or log worker). A fair equal: the same
 * instrumentations, the same three OTLP/HTTP protobuf exporters and batch processors, and the
 * resource detectors NodeSDK uses by default (host, process, environment), as the SDK does.
 *
 *   node --import tsx --import ./sdk/bench/otel-preload.ts sdk/bench/hello-server.ts
 */
import FastifyOtel from '@fastify/otel';
import { metrics } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
} from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const resource = detectResources({ detectors: [hostDetector, processDetector, envDetector] });
const tracerProvider = new NodeTracerProvider({
  resource,
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
});
tracerProvider.register(); // W3C tracecontext + baggage, as the SDK's default
const meterProvider = new MeterProvider({
  resource,
  readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() })],
});
metrics.setGlobalMeterProvider(meterProvider);
const loggerProvider = new LoggerProvider({
  resource,
  processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })],
});
logs.setGlobalLoggerProvider(loggerProvider);
registerInstrumentations({
  instrumentations: [
    new HttpInstrumentation(),
    new UndiciInstrumentation(),
    new FastifyOtel.FastifyOtelInstrumentation({ registerOnInitialization: true }),
    new ExpressInstrumentation(),
    new KafkaJsInstrumentation(),
    // As the SDK loads it for an app with pg (query text whole, no parameter values).
    new PgInstrumentation({ enhancedDatabaseReporting: false }),
    new RuntimeNodeInstrumentation(),
  ],
  tracerProvider,
  meterProvider,
  loggerProvider,
});
process.once('SIGTERM', () => {
  const providers = [tracerProvider, meterProvider, loggerProvider];
  void Promise.all(providers.map((p) => p.shutdown())).finally(() => process.exit(0));
});
