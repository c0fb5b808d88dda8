import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Kafka, logLevel } from 'kafkajs';
import { SightlineError } from '@sightline/model/errors';
import { batchPolicy } from '@sightline/collector/ingest/batch-policy';
import { GroupCommitWriter } from '@sightline/collector/ingest/group-commit';
import { IngestConsumer } from '@sightline/collector/kafka/ingest-consumer';
import { KafkaSink } from '@sightline/collector/kafka/kafka-sink';
import { directWriter, inProcessSink, type IngestSink } from '@sightline/collector/ingest/sink';
import { buildReceiveApp } from '@sightline/collector/receive/app';
import { guardReceiveApp } from '@sightline/collector/receive/auth';
import { startGrpcReceiver } from '@sightline/collector/receive/grpc-server';
import { buildQueryApp } from '@sightline/query/app';
import type { AlertEvaluator } from '@sightline/query/alerts/evaluator';
import { startAlerting } from '@sightline/query/alerts/start-alerting';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { isRejectedDataError } from '@sightline/store/errors';
import { migrate, type MigrationResult } from '@sightline/store/migrate';
import { applyRetention } from '@sightline/store/retention';
import type { SightlineConfig } from './config.ts';
import { checkSecurity, readTls, startAuth, type RunningAuth } from './security.ts';
import type { Role } from './roles.ts';
import { readinessProbes, serveReadiness } from './readiness.ts';
import { closeBy } from './close-by.ts';
import { queryHosts, receiveLimits } from './listener-limits.ts';
import { SelfMetrics } from './self-metrics.ts';
import { startSelfTelemetry, traceInserts, type SelfTelemetry } from './self-telemetry.ts';

export const VERSION = '0.1.0';

/** Test hooks: the Kafka client's settings (the test broker needs short timeouts). */
export interface RoleOverrides {
  readonly kafkaClient?: Partial<ConstructorParameters<typeof Kafka>[0]>;
  readonly consumer?: ConstructorParameters<typeof IngestConsumer>[0]['consumer'];
  readonly partitionsConsumedConcurrently?: number;
}

export interface RunningRoles {
  readonly roles: ReadonlySet<Role>;
  readonly otlpUrl?: string;
  /** OTLP/gRPC endpoint (http://host:port), unless SIGHTLINE_GRPC_PORT=off. */
  readonly grpcUrl?: string;
  readonly grpcPort?: number;
  readonly apiUrl?: string;
  readonly store?: StoreClients;
  /** The in-process group commit (receive and ingest together, no Kafka). */
  readonly writer?: GroupCommitWriter;
  readonly kafkaSink?: KafkaSink;
  readonly consumer?: IngestConsumer;
  readonly migrations?: MigrationResult;
  /** The alert evaluator (role alerting); it evaluates only while it holds the lease. */
  readonly alerting?: AlertEvaluator;
  readonly metrics: SelfMetrics;
  /** Sightline's own traces, metrics and logs going into Sightline (SIGHTLINE_SELF_TELEMETRY). */
  readonly selfTelemetry?: SelfTelemetry;
  /** Auth on: the key/session verifier and every guarded route of each listener. */
  readonly auth?: RunningAuth;
  /** Stops accepting, stores (or publishes) everything already accepted, then closes. */
  close(): Promise<void>;
}

/** Which roles need what; a combination that cannot work stops start-up with the reason. */
export function checkRoles(config: SightlineConfig): void {
  const { roles } = config;
  const kafka = config.kafka.brokers.length > 0;
  checkSecurity(config);
  if (!kafka && roles.has('receive') && !roles.has('ingest')) {
    throw new SightlineError(
      'SL_ERR_CONFIG',
      1,
      'SIGHTLINE_ROLES: receive without ingest in the same process needs Kafka (set SIGHTLINE_KAFKA_BROKERS)',
    );
  }
  if (!kafka && roles.has('ingest') && !roles.has('receive')) {
    throw new SightlineError(
      'SL_ERR_CONFIG',
      1,
      'SIGHTLINE_ROLES: ingest without receive in the same process reads from Kafka (set SIGHTLINE_KAFKA_BROKERS)',
    );
  }
  if (
    roles.has('alerting') &&
    config.clickhouseUrl === undefined &&
    !roles.has('ingest') &&
    !roles.has('query')
  ) {
    // An embedded store belongs to one process: the evaluator must run in the one that has it.
    throw new SightlineError(
      'SL_ERR_CONFIG',
      1,
      'SIGHTLINE_ROLES: alerting on the embedded store runs with ingest or query in the same process (or set SIGHTLINE_CLICKHOUSE_URL)',
    );
  }
}

const urlOf = (app: FastifyInstance): string => {
  const a = app.server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return `${app.initialConfig.https ? 'https' : 'http'}://${host}:${a.port}`;
};

/**
 * Starts the roles this process runs. Without Kafka, receive hands rows to ingest in-process
 * (group commit, acknowledged once stored); with Kafka, receive acknowledges once Kafka has the
 * data and ingest consumes it. Roles that touch an embedded store (ingest, query) share it here.
 */
export async function startRoles(
  config: SightlineConfig,
  logger: FastifyBaseLogger,
  overrides: RoleOverrides = {},
): Promise<RunningRoles> {
  checkRoles(config);
  const { roles } = config;
  const useKafka = config.kafka.brokers.length > 0;
  const kafka = useKafka
    ? new Kafka({
        clientId: config.kafka.clientId,
        brokers: [...config.kafka.brokers],
        logLevel: logLevel.WARN,
        // kafkajs's own lines go through Sightline's logger, as structured lines like the rest.
        logCreator: () => (entry) => {
          const { message, ...fields } = entry.log;
          const line = { kafka: entry.namespace, ...fields };
          if (entry.level <= logLevel.ERROR) logger.error(line, message);
          else if (entry.level === logLevel.WARN) logger.warn(line, message);
          else logger.info(line, message);
        },
        ...overrides.kafkaClient,
      })
    : undefined;
  const cleanup: (() => Promise<unknown>)[] = [];
  // One deadline for the whole stop: a listener still holding connections then drops them.
  let drainDeadline = Infinity;
  const closeAll = async () => {
    drainDeadline = Date.now() + config.drainTimeoutMs;
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };

  const metrics = new SelfMetrics();
  try {
    let store: StoreClients | undefined;
    let migrations: MigrationResult | undefined;
    const authOn = config.security.auth === 'on';
    // Auth on, a receive-only process reads keys from the (server) store too.
    if (
      roles.has('ingest') ||
      roles.has('query') ||
      roles.has('alerting') ||
      (authOn && config.clickhouseUrl !== undefined)
    ) {
      const s = createStoreClients({
        url: config.clickhouseUrl,
        dataDir: config.dataDir,
        database: config.database,
        queryTimeoutSeconds: config.queryTimeoutSeconds,
        cluster: config.clickhouseCluster,
      });
      store = s;
      cleanup.push(() => s.close());
      migrations = await migrate(s.writer, config.database, config.retention, {
        cluster: config.clickhouseCluster,
      });
      const changed = await applyRetention(
        s.writer,
        config.database,
        config.retention,
        config.clickhouseCluster,
      );
      if (changed.length > 0) logger.info({ tables: changed }, 'retention changed');
    }

    let writer: GroupCommitWriter | undefined;
    let consumer: IngestConsumer | undefined;
    if (roles.has('ingest') && store) {
      const s = store;
      // Each insert a span when self-telemetry is on; the other store calls stay untraced.
      const insertClient = config.selfTelemetry.enabled ? traceInserts(s.writer) : s.writer;
      if (kafka) {
        const c = new IngestConsumer({
          kafka,
          groupId: config.kafka.groupId,
          topics: config.kafka.topics,
          deadLetterTopic: config.kafka.deadLetterTopic,
          store: { client: insertClient, database: config.database },
          // The limits receive applies: Kafka carries the request as sent, so ingest maps it again.
          limits: receiveLimits(config),
          batch: { maxRows: config.batchMaxRows },
          ...(overrides.consumer ? { consumer: overrides.consumer } : {}),
          ...(overrides.partitionsConsumedConcurrently
            ? { partitionsConsumedConcurrently: overrides.partitionsConsumedConcurrently }
            : {}),
          onError: (err, what) => logger.error({ err }, `ingest: ${what}`),
        });
        consumer = c;
        metrics.watchConsumer(c);
        await c.start();
        cleanup.push(() => c.stop());
      } else {
        const w = new GroupCommitWriter({
          insert: directWriter(insertClient, config.database),
          batch: batchPolicy({ maxRows: config.batchMaxRows, lingerMs: config.batchLingerMs }),
          maxQueuedRows: config.queueMaxRows,
          insertAttempts: 3,
          retryBackoffMs: 200,
          unavailableMs: 2_000,
          onError: (err, rows) =>
            logger.error({ err, rows }, 'insert failed; clients were told to retry'),
          isDataError: isRejectedDataError,
        });
        writer = w;
        metrics.watchWriter(w);
        cleanup.push(() => w.drain());
      }
    }

    const tls = readTls(config);
    let auth: RunningAuth | undefined;
    if (authOn && store) {
      const a = await startAuth(config, store, logger.child({ role: 'auth' }));
      auth = a;
      cleanup.push(() => Promise.resolve(a.verifier.stop()));
    }

    // One set of checks for every listener of this process: GET /ready.
    const kafkaAdmin = kafka?.admin();
    if (kafkaAdmin) cleanup.push(() => kafkaAdmin.disconnect());
    const ingestConsumer = consumer;
    const probes = readinessProbes({
      store,
      kafkaAdmin,
      consumerRunning: ingestConsumer ? () => ingestConsumer.isConnected() : undefined,
    });

    let otlpUrl: string | undefined;
    let grpc: { url: string; port: number } | undefined;
    let kafkaSink: KafkaSink | undefined;
    if (roles.has('receive')) {
      let sink: IngestSink;
      if (kafka) {
        const k = new KafkaSink({
          kafka,
          topics: config.kafka.topics,
          acks: config.kafka.acks,
          compression: config.kafka.compression,
          produceTimeoutMs: config.kafka.produceTimeoutMs,
          onError: (err, signal) => logger.warn({ err, signal }, 'Kafka refused a produce'),
        });
        await k.start();
        cleanup.push(() => k.stop());
        kafkaSink = k;
        sink = metrics.timeKafka(k);
      } else {
        // checkRoles guarantees ingest runs here when there is no Kafka.
        sink = inProcessSink(writer!);
      }
      const receive = buildReceiveApp({
        sink,
        bodyLimitBytes: config.maxBodyBytes,
        limits: receiveLimits(config),
        logger: logger.child({ role: 'receive' }),
        observer: metrics.receiveObserver,
        requestTimeoutMs: config.requestTimeoutMs,
        memoryBudgetBytes: config.receiveMemoryBytes,
        ...(auth
          ? {
              authenticate: auth.authenticate,
              authRoutes: auth.routes.receive,
              rateLimitPerMinute: config.security.ingestRateLimitPerMinute,
            }
          : {}),
        ...(tls ? { tls } : {}),
      });
      metrics.serve(receive);
      serveReadiness(receive, probes);
      await receive.listen({ host: config.host, port: config.otlpPort });
      // Closed first on shutdown (last in, first out): stop taking requests, then drain.
      cleanup.push(() => closeBy(receive, drainDeadline));
      otlpUrl = urlOf(receive);
      if (config.grpcPort !== null) {
        const g = await startGrpcReceiver({
          host: config.host,
          port: config.grpcPort,
          sink,
          limits: receiveLimits(config),
          maxMessageBytes: config.maxBodyBytes,
          observer: metrics.receiveObserver,
          logger: logger.child({ role: 'receive', protocol: 'grpc' }),
          ...(auth
            ? {
                authenticate: auth.authenticateGrpc,
                rateLimitPerMinute: config.security.ingestRateLimitPerMinute,
              }
            : {}),
          ...(tls ? { tls } : {}),
        });
        // Like OTLP/HTTP: closed before the sink drains, so calls in flight still get stored.
        cleanup.push(() => g.close());
        grpc = { url: g.url, port: g.port };
      }
    }

    let apiUrl: string | undefined;
    if (roles.has('query') && store) {
      const query = buildQueryApp({
        store,
        version: VERSION,
        publicUrl: () => config.alerting.publicUrl ?? apiUrl ?? '',
        ingestEndpoints: () => ({ otlpHttp: otlpUrl, otlpGrpc: grpc?.url }),
        maxTraceSpans: config.maxTraceSpans,
        promql: config.promql,
        requestTimeoutMs: config.requestTimeoutMs,
        logger: logger.child({ role: 'query' }),
        ...(auth ? { auth: auth.query, authRoutes: auth.routes.query } : {}),
        ...(tls ? { tls } : {}),
        ...queryHosts(config),
      });
      metrics.serve(query);
      serveReadiness(query, probes);
      await query.listen({ host: config.host, port: config.apiPort });
      cleanup.push(() => closeBy(query, drainDeadline));
      apiUrl = urlOf(query);
    } else if (!roles.has('receive')) {
      // An ingest-only process has no other listener: it still answers health checks and scrapes.
      const ops = Fastify({ logger: false, ...(tls ? { https: tls } : {}) });
      if (auth) guardReceiveApp(ops, auth.authenticate, auth.routes.receive);
      metrics.serve(ops);
      ops.get('/health', (_req, reply) => reply.send({ status: 'ok' }));
      serveReadiness(ops, probes);
      await ops.listen({ host: config.host, port: config.apiPort });
      cleanup.push(() => ops.close());
      apiUrl = urlOf(ops);
    }

    let alerting: AlertEvaluator | undefined;
    if (roles.has('alerting') && store) {
      const a = startAlerting({
        store,
        publicUrl: () => config.alerting.publicUrl ?? apiUrl ?? '',
        smtpUrl: config.alerting.smtpUrl,
        smtpFrom: config.alerting.smtpFrom,
        allowedNetworks: config.alerting.allowedNetworks,
        tickMs: config.alerting.tickMs,
        leaseMs: config.alerting.leaseMs,
        logger: logger.child({ role: 'alerting' }),
      });
      alerting = a;
      // Stopped first on shutdown: notifications in flight finish, the lease is handed over.
      cleanup.push(() => a.stop());
    }

    // Last, so its own listener is up; and so shut down first, while that listener still takes
    // the final flush.
    const selfTelemetry = await startSelfTelemetry({
      config: config.selfTelemetry,
      roles,
      version: VERSION,
      ownOtlpUrl: otlpUrl,
      metrics,
      logger,
      authOn,
    });
    if (selfTelemetry) cleanup.push(() => selfTelemetry.shutdown());

    let closing: Promise<void> | null = null;
    return {
      roles,
      ...(otlpUrl ? { otlpUrl } : {}),
      ...(grpc ? { grpcUrl: grpc.url, grpcPort: grpc.port } : {}),
      ...(apiUrl ? { apiUrl } : {}),
      ...(store ? { store } : {}),
      ...(writer ? { writer } : {}),
      ...(kafkaSink ? { kafkaSink } : {}),
      ...(consumer ? { consumer } : {}),
      ...(migrations ? { migrations } : {}),
      ...(alerting ? { alerting } : {}),
      ...(auth ? { auth } : {}),
      ...(selfTelemetry ? { selfTelemetry } : {}),
      metrics,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
