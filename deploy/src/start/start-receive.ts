import type { FastifyBaseLogger } from 'fastify';
import type { Kafka } from 'kafkajs';
import type { GroupCommitWriter } from '@sightline/collector/ingest/group-commit';
import { KafkaSink } from '@sightline/collector/kafka/kafka-sink';
import type { MapLimits } from '@sightline/collector/otlp/values';
import { inProcessSink, type IngestSink } from '@sightline/collector/ingest/sink';
import { buildReceiveApp } from '@sightline/collector/receive/app';
import { startGrpcReceiver } from '@sightline/collector/receive/grpc-server';
import type { SightlineConfig } from '../config.ts';
import { closeBy } from '../close-by.ts';
import { serveReadiness } from '../readiness.ts';
import { StopSteps, urlOf, type ListenerDeps, type Stoppable } from './started.ts';

/** What the receive role reads from the configuration. */
export interface ReceiveRoleConfig extends Pick<
  SightlineConfig,
  'host' | 'otlpPort' | 'grpcPort' | 'maxBodyBytes' | 'requestTimeoutMs' | 'receiveMemoryBytes'
> {
  readonly kafka: Pick<
    SightlineConfig['kafka'],
    'topics' | 'acks' | 'compression' | 'produceTimeoutMs'
  >;
  readonly limits: MapLimits;
  /** Telemetry requests per minute per ingest key (auth on). */
  readonly ingestRateLimitPerMinute: number;
}

export interface ReceiveDeps extends ListenerDeps {
  /** Where accepted data goes: Kafka, or the in-process ingest writer. */
  readonly to: { readonly kafka: Kafka } | { readonly writer: GroupCommitWriter };
}

export interface StartedReceive extends Stoppable {
  readonly otlpUrl: string;
  readonly grpc?: { readonly url: string; readonly port: number };
  readonly kafkaSink?: KafkaSink;
}

async function startKafkaSink(
  config: ReceiveRoleConfig,
  kafka: Kafka,
  logger: FastifyBaseLogger,
): Promise<KafkaSink> {
  const sink = new KafkaSink({
    kafka,
    topics: config.kafka.topics,
    acks: config.kafka.acks,
    compression: config.kafka.compression,
    produceTimeoutMs: config.kafka.produceTimeoutMs,
    onError: (err, signal) => logger.warn({ err, signal }, 'Kafka refused a produce'),
  });
  await sink.start();
  return sink;
}

/**
 * Starts receive: OTLP/HTTP (and OTLP/gRPC unless turned off) handing data to Kafka or to the
 * in-process writer. Its stop closes the listeners first, so requests in flight still get stored.
 */
export async function startReceive(
  config: ReceiveRoleConfig,
  deps: ReceiveDeps,
): Promise<StartedReceive> {
  const { auth, tls, metrics, logger } = deps;
  const steps = new StopSteps();
  try {
    let sink: IngestSink;
    let kafkaSink: KafkaSink | undefined;
    if ('kafka' in deps.to) {
      const k = await startKafkaSink(config, deps.to.kafka, logger);
      steps.push(() => k.stop());
      kafkaSink = k;
      sink = metrics.timeKafka(k);
    } else {
      sink = inProcessSink(deps.to.writer);
    }
    const authOptions = auth
      ? { authenticate: auth.authenticate, rateLimitPerMinute: config.ingestRateLimitPerMinute }
      : {};
    const receive = buildReceiveApp({
      sink,
      bodyLimitBytes: config.maxBodyBytes,
      limits: config.limits,
      logger: logger.child({ role: 'receive' }),
      observer: metrics.receiveObserver,
      requestTimeoutMs: config.requestTimeoutMs,
      memoryBudgetBytes: config.receiveMemoryBytes,
      ...authOptions,
      ...(auth ? { authRoutes: auth.routes.receive } : {}),
      ...(tls ? { tls } : {}),
    });
    metrics.serve(receive);
    serveReadiness(receive, deps.probes);
    await receive.listen({ host: config.host, port: config.otlpPort });
    // Closed before the sink: stop taking requests, then drain.
    steps.push(() => closeBy(receive, deps.deadline()));
    let grpc: { url: string; port: number } | undefined;
    if (config.grpcPort !== null) {
      const g = await startGrpcReceiver({
        host: config.host,
        port: config.grpcPort,
        sink,
        limits: config.limits,
        maxMessageBytes: config.maxBodyBytes,
        observer: metrics.receiveObserver,
        logger: logger.child({ role: 'receive', protocol: 'grpc' }),
        ...(auth ? { ...authOptions, authenticate: auth.authenticateGrpc } : {}),
        ...(tls ? { tls } : {}),
      });
      // Like OTLP/HTTP: closed before the sink drains, so calls in flight still get stored.
      steps.push(() => g.close());
      grpc = { url: g.url, port: g.port };
    }
    return {
      otlpUrl: urlOf(receive),
      ...(grpc ? { grpc } : {}),
      ...(kafkaSink ? { kafkaSink } : {}),
      stop: () => steps.stop(),
    };
  } catch (err) {
    await steps.stop();
    throw err;
  }
}
