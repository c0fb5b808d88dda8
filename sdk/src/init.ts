import { isMainThread } from 'node:worker_threads';
import { metrics } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BreakerSpanProcessor } from './breaker-context.ts';
import {
  BoundedLogProcessor,
  BoundedSpanProcessor,
  CountingExporter,
  QueueBudget,
} from './bounded-export.ts';
import { CountingMetricExporter } from './counting-metric-exporter.ts';
import { dropCounter } from './drop-counter.ts';
import { describeError, reportSdkProblem, SightlineSdkError } from './errors.ts';
import { registerEsmHooks } from './esm-hooks.ts';
import { installExitHooks, withTimeout } from './exit-hooks.ts';
import { startInstrumentations } from './instrumentations.ts';
import { logShipper } from './logger.ts';
import { InThreadSink } from './log-shipper.ts';
import { WorkerLogSink } from './log-worker-client.ts';
import { DbQueryTextProcessor } from './db-query-text.ts';
import { resolveConfig, type ResolvedConfig, type SightlineOptions } from './options.ts';
import { createPropagator } from './propagators.ts';
import { configuredResourceAttributes, createResource, processAttributes } from './resource.ts';
import { createSampler } from './sampler.ts';
import { getStartedSdk, setStartedSdk, type StartedSdk } from './sdk-state.ts';

export const INSTRUMENTATION_SCOPE = '@sightline/sdk';

/** What `init()` returns: the resolved configuration and the SDK's lifecycle. */
export interface SightlineSdk {
  readonly config: ResolvedConfig;
  /** Exports everything recorded so far; keeps running. */
  forceFlush(): Promise<void>;
  /** Exports everything recorded so far, then stops. Safe to call more than once. */
  shutdown(): Promise<void>;
}

function noopSdk(config: ResolvedConfig): StartedSdk {
  return {
    config,
    logSink: undefined,
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };
}

/** The log worker, or undefined (logs then ship on the main thread) if it cannot start. */
function startLogWorker(config: ResolvedConfig, onFailure: () => void): WorkerLogSink | undefined {
  const { maxQueueSize, maxExportBatchSize, scheduledDelayMs } = config.logs;
  // A shutdown flush exports the queue batch by batch, each within the export timeout.
  const batches = Math.ceil(maxQueueSize / maxExportBatchSize) + 1;
  try {
    return new WorkerLogSink({
      setup: {
        resourceAttributes: configuredResourceAttributes(config),
        processAttributes: processAttributes(),
        url: config.endpoints.logs,
        headers: { ...config.headers },
        exportTimeoutMs: config.exportTimeoutMs,
        maxQueueSize,
        maxExportBatchSize,
        scheduledDelayMs,
      },
      drops: dropCounter,
      maxInFlight: 2 * maxQueueSize,
      replyTimeoutMs: batches * (config.exportTimeoutMs + 1000),
      onFailure,
    });
  } catch (error) {
    reportSdkProblem(
      new SightlineSdkError(
        'SL_ERR_SDK_LOG_SHIPPING_FAILED',
        `log worker could not start, shipping logs on the main thread: ${describeError(error)}`,
        { cause: error },
      ),
    );
    return undefined;
  }
}

function start(config: ResolvedConfig): StartedSdk {
  const resource = createResource(configuredResourceAttributes(config));
  const exporterBase = { headers: { ...config.headers }, timeoutMillis: config.exportTimeoutMs };
  // The batch processor's own timeout must not fire before the exporter's retries are over.
  const processorTimeout = config.exportTimeoutMs + 1000;

  const spanBudget = new QueueBudget(config.spans.maxQueueSize);
  const spanExporter = new CountingExporter(
    new OTLPTraceExporter({ ...exporterBase, url: config.endpoints.traces }),
    'spans',
    spanBudget,
    dropCounter,
  );
  const spanProcessor = new BatchSpanProcessor(spanExporter, {
    maxQueueSize: config.spans.maxQueueSize,
    maxExportBatchSize: config.spans.maxExportBatchSize,
    scheduledDelayMillis: config.spans.scheduledDelayMs,
    exportTimeoutMillis: processorTimeout,
  });
  const tracerProvider = new NodeTracerProvider({
    resource,
    sampler: createSampler(config.sampler),
    // The query-text policy runs first, so no exporter ever sees what it removes.
    spanProcessors: [
      new DbQueryTextProcessor(config.dbQueryText),
      new BreakerSpanProcessor(),
      new BoundedSpanProcessor(spanProcessor, spanBudget, dropCounter),
    ],
  });
  tracerProvider.register({ propagator: createPropagator(config.propagators) });

  const metricReader = new PeriodicExportingMetricReader({
    exporter: new CountingMetricExporter(
      new OTLPMetricExporter({ ...exporterBase, url: config.endpoints.metrics }),
      dropCounter,
    ),
    exportIntervalMillis: config.metricIntervalMs,
    // The reader refuses a timeout longer than its interval.
    exportTimeoutMillis: Math.min(config.exportTimeoutMs, config.metricIntervalMs),
  });
  const meterProvider = new MeterProvider({ resource, readers: [metricReader] });
  metrics.setGlobalMeterProvider(meterProvider);

  const logBudget = new QueueBudget(config.logs.maxQueueSize);
  const logProcessor = new BatchLogRecordProcessor({
    exporter: new CountingExporter(
      new OTLPLogExporter({ ...exporterBase, url: config.endpoints.logs }),
      'logs',
      logBudget,
      dropCounter,
    ),
    maxQueueSize: config.logs.maxQueueSize,
    maxExportBatchSize: config.logs.maxExportBatchSize,
    scheduledDelayMillis: config.logs.scheduledDelayMs,
    exportTimeoutMillis: processorTimeout,
  });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new BoundedLogProcessor(logProcessor, logBudget, dropCounter)],
  });
  logs.setGlobalLoggerProvider(loggerProvider);

  const stopInstrumentations = startInstrumentations(config, {
    tracerProvider,
    meterProvider,
    loggerProvider,
  });

  const inThread = new InThreadSink(loggerProvider.getLogger(INSTRUMENTATION_SCOPE), dropCounter);
  // If the worker dies, ship on this thread from then on (unless already shut down).
  const useInThread = (): void => {
    if (sdk.logSink !== undefined) sdk.logSink = inThread;
  };
  const worker = config.logWorker ? startLogWorker(config, useInThread) : undefined;

  let shutdownPromise: Promise<void> | undefined;
  const sdk: StartedSdk = {
    config,
    logSink: worker ?? inThread,
    async forceFlush() {
      logShipper.drain();
      await worker?.flush();
      await Promise.allSettled([
        tracerProvider.forceFlush(),
        meterProvider.forceFlush(),
        loggerProvider.forceFlush(),
      ]);
    },
    shutdown() {
      shutdownPromise ??= (async () => {
        logShipper.drain();
        sdk.logSink = undefined;
        removeExitHooks();
        await worker?.shutdown();
        const results = await Promise.allSettled([
          tracerProvider.shutdown(),
          meterProvider.shutdown(),
          loggerProvider.shutdown(),
        ]);
        stopInstrumentations();
        for (const result of results) {
          if (result.status === 'rejected') {
            reportSdkProblem(
              new SightlineSdkError(
                'SL_ERR_SDK_SHUTDOWN_FAILED',
                `flushing telemetry at shutdown failed: ${describeError(result.reason)}`,
                { cause: result.reason },
              ),
            );
          }
        }
        dropCounter.flushWarning();
      })();
      return shutdownPromise;
    },
  };
  const removeExitHooks = installExitHooks(sdk, config.shutdownSignals, config.shutdownTimeoutMs);
  return sdk;
}

/**
 * A worker thread has globals of its own: starting here would make a second SDK in the process
 * (its own exporters, log worker and runtime metrics). So do nothing, and say so once.
 */
function inWorkerThread(options: SightlineOptions): SightlineSdk {
  const existing = getStartedSdk();
  if (existing !== undefined) return existing;
  reportSdkProblem(
    new SightlineSdkError(
      'SL_ERR_SDK_WORKER_THREAD',
      'init() was called in a worker thread; the SDK runs on the main thread only, so nothing ' +
        'is started here and this thread records no telemetry (call init() on the main thread)',
    ),
  );
  const sdk = noopSdk(Object.freeze({ ...resolveConfig(options), disabled: true }));
  setStartedSdk(sdk);
  return sdk;
}

/**
 * Starts tracing, metrics and logs export to Sightline and the automatic instrumentations.
 * Call it once, on the main thread, before the app loads its HTTP framework, Kafka client and so
 * on (or preload `@sightline/sdk/register`); on a worker thread it starts nothing and warns.
 * Never throws: a bad option warns and falls back to its default, and a failure to start leaves
 * the app running without telemetry.
 */
export function init(options: SightlineOptions = {}): SightlineSdk {
  if (!isMainThread) return inWorkerThread(options);
  const existing = getStartedSdk();
  if (existing !== undefined) {
    reportSdkProblem(
      new SightlineSdkError(
        'SL_ERR_SDK_ALREADY_STARTED',
        `init() was already called (service "${existing.config.service}"); keeping that setup`,
      ),
    );
    return existing;
  }
  const config = resolveConfig(options);
  dropCounter.setWarningInterval(config.dropWarningIntervalMs);
  if (config.disabled) {
    const sdk = noopSdk(config);
    setStartedSdk(sdk);
    return sdk;
  }
  try {
    // Lets modules imported from here on (e.g. `await import('express')`) be instrumented.
    registerEsmHooks();
  } catch (error) {
    reportSdkProblem(
      new SightlineSdkError(
        'SL_ERR_SDK_START_FAILED',
        `ESM instrumentation hooks unavailable: ${describeError(error)}`,
        { cause: error },
      ),
    );
  }
  try {
    const sdk = start(config);
    setStartedSdk(sdk);
    return sdk;
  } catch (error) {
    reportSdkProblem(
      new SightlineSdkError(
        'SL_ERR_SDK_START_FAILED',
        `telemetry disabled, the SDK could not start: ${describeError(error)}`,
        { cause: error },
      ),
    );
    const sdk = noopSdk(config);
    setStartedSdk(sdk);
    return sdk;
  }
}

/** Flushes and stops the SDK started by `init()`, waiting at most `timeoutMs` if given. */
export function shutdown(timeoutMs?: number): Promise<void> {
  const sdk = getStartedSdk();
  if (sdk === undefined) return Promise.resolve();
  const done = sdk.shutdown();
  if (timeoutMs === undefined) return done;
  return withTimeout(done, timeoutMs);
}

/** Exports everything recorded so far without stopping. */
export function forceFlush(): Promise<void> {
  return getStartedSdk()?.forceFlush() ?? Promise.resolve();
}
