import type { IncomingMessage } from 'node:http';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { LoggerProvider } from '@opentelemetry/api-logs';
import type FastifyOtel from '@fastify/otel';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { createDbInstrumentations } from './db-instrumentations.ts';
import { onHttpResponse, onKafkaConsume, onKafkaProduce } from './correlation.ts';
import { loadOptionalInstrumentation } from './optional-instrumentation.ts';
import type { ResolvedConfig } from './options.ts';

const require = createRequire(import.meta.url);

export interface Providers {
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  loggerProvider: LoggerProvider;
}

function pathMatcher(
  paths: readonly (string | RegExp)[],
): ((request: IncomingMessage) => boolean) | undefined {
  if (paths.length === 0) return undefined;
  return (request) => {
    const path = (request.url ?? '').split('?', 1)[0] ?? '';
    return paths.some((p) => (typeof p === 'string' ? p === path : p.test(path)));
  };
}

function createInstrumentations(config: ResolvedConfig): Instrumentation[] {
  const on = config.instrumentations;
  const list: Instrumentation[] = [];
  if (on.http) {
    // Server duration histograms (http.server.request.duration) come from this instrumentation.
    list.push(
      new HttpInstrumentation({
        responseHook: onHttpResponse,
        ignoreIncomingRequestHook: pathMatcher(config.ignoreIncomingPaths),
      }),
    );
  }
  // fetch is undici inside Node; this instrumentation listens on undici's diagnostics channels.
  if (on.undici) list.push(new UndiciInstrumentation());
  // @fastify/otel is the maintained successor of instrumentation-fastify. It attaches itself to
  // every instance through fastify's 'fastify.initialization' channel, so no module patching.
  // An optional peer: its types need fastify's, which an app without fastify does not have.
  const fastify = on.fastify
    ? loadOptionalInstrumentation({
        target: 'fastify',
        packageName: '@fastify/otel',
        usedChannel: 'fastify.initialization', // published by every new fastify instance
        create: (loaded) =>
          new (loaded as typeof FastifyOtel).FastifyOtelInstrumentation({
            registerOnInitialization: true,
          }),
      })
    : undefined;
  if (fastify !== undefined) list.push(fastify);
  if (on.express) list.push(new ExpressInstrumentation());
  // Producer spans inject trace context and baggage into message headers; consumer spans
  // extract it, so one trace crosses Kafka.
  if (on.kafkajs) {
    list.push(
      new KafkaJsInstrumentation({ producerHook: onKafkaProduce, consumerHook: onKafkaConsume }),
    );
  }
  if (on.runtime) list.push(new RuntimeNodeInstrumentation());
  list.push(...createDbInstrumentations(on));
  return list;
}

/** Enables the instrumentations and returns a function that disables them again. */
export function startInstrumentations(config: ResolvedConfig, providers: Providers): () => void {
  const disable = registerInstrumentations({
    instrumentations: createInstrumentations(config),
    ...providers,
  });
  if (config.instrumentations.http) {
    // require-in-the-middle patches a module when it is required. An ESM app (or vitest) may
    // have imported node:http already, so require it here: the patch lands on the one shared
    // exports object, and syncBuiltinESMExports refreshes the named ESM bindings.
    require('node:http');
    require('node:https');
    syncBuiltinESMExports();
  }
  return disable;
}
