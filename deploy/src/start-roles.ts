import type { FastifyBaseLogger } from 'fastify';
import type { GroupCommitWriter } from '@sightline/collector/ingest/group-commit';
import type { IngestConsumer } from '@sightline/collector/kafka/ingest-consumer';
import type { KafkaSink } from '@sightline/collector/kafka/kafka-sink';
import type { AlertEvaluator } from '@sightline/query/alerts/evaluator';
import type { StoreClients } from '@sightline/store/client-factory';
import type { MigrationResult } from '@sightline/store/migrate';
import { SightlineError } from '@sightline/model/errors';
import type { SightlineConfig } from './config.ts';
import { checkSecurity, readTls, startAuth, type RunningAuth } from './security.ts';
import type { Role } from './roles.ts';
import { readinessProbes } from './readiness.ts';
import { queryHosts, receiveLimits } from './listener-limits.ts';
import { SelfMetrics } from './self-metrics.ts';
import { startSelfTelemetry, type SelfTelemetry } from './self-telemetry.ts';
import { kafkaClient, type KafkaClientOverrides } from './start/kafka-client.ts';
import { startAlertingRole } from './start/start-alerting-role.ts';
import { startIngest, type IngestOverrides } from './start/start-ingest.ts';
import { startOpsListener } from './start/start-ops-listener.ts';
import { startQuery } from './start/start-query.ts';
import { startReceive } from './start/start-receive.ts';
import { startStore } from './start/start-store.ts';
import { StopSteps } from './start/started.ts';

export const VERSION = '0.1.0';

/** Test hooks: the Kafka client's settings (the test broker needs short timeouts). */
export interface RoleOverrides extends IngestOverrides {
  readonly kafkaClient?: KafkaClientOverrides;
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

/**
 * Starts the roles this process runs, each from its own module with its slice of the
 * configuration. Without Kafka, receive hands rows to ingest in-process (group commit,
 * acknowledged once stored); with Kafka, receive acknowledges once Kafka has the data and ingest
 * consumes it. Roles that touch an embedded store (ingest, query) share it here. Stopping runs
 * the roles' stops in the reverse order of their starts.
 */
export async function startRoles(
  config: SightlineConfig,
  logger: FastifyBaseLogger,
  overrides: RoleOverrides = {},
): Promise<RunningRoles> {
  checkRoles(config);
  const { roles } = config;
  const kafka =
    config.kafka.brokers.length > 0
      ? kafkaClient(config.kafka, logger, overrides.kafkaClient)
      : undefined;
  const steps = new StopSteps();
  // One deadline for the whole stop: a listener still holding connections then drops them.
  let drainDeadline = Infinity;
  const deadline = () => drainDeadline;
  const closeAll = async () => {
    drainDeadline = Date.now() + config.drainTimeoutMs;
    await steps.stop();
  };

  const metrics = new SelfMetrics();
  try {
    const authOn = config.security.auth === 'on';
    // Auth on, a receive-only process reads keys from the (server) store too.
    const needsStore =
      roles.has('ingest') ||
      roles.has('query') ||
      roles.has('alerting') ||
      (authOn && config.clickhouseUrl !== undefined);
    const opened = needsStore ? await startStore(config, logger) : undefined;
    if (opened) steps.push(opened.stop);
    const store = opened?.store;

    const ingest =
      roles.has('ingest') && store
        ? await startIngest(
            {
              ...config,
              limits: receiveLimits(config),
              traceInserts: config.selfTelemetry.enabled,
            },
            { store, kafka, metrics, logger },
            overrides,
          )
        : undefined;
    if (ingest) steps.push(ingest.stop);

    const tls = readTls(config);
    let auth: RunningAuth | undefined;
    if (authOn && store) {
      const a = await startAuth(config, store, logger.child({ role: 'auth' }));
      auth = a;
      steps.push(() => Promise.resolve(a.verifier.stop()));
    }

    // One set of checks for every listener of this process: GET /ready.
    const kafkaAdmin = kafka?.admin();
    if (kafkaAdmin) steps.push(() => kafkaAdmin.disconnect());
    const consumer = ingest?.consumer;
    const probes = readinessProbes({
      store,
      kafkaAdmin,
      consumerRunning: consumer ? () => consumer.isConnected() : undefined,
    });
    const shared = { auth, tls, metrics, probes, logger, deadline };

    // checkRoles guarantees ingest runs here when there is no Kafka.
    const receive = roles.has('receive')
      ? await startReceive(
          {
            ...config,
            limits: receiveLimits(config),
            ingestRateLimitPerMinute: config.security.ingestRateLimitPerMinute,
          },
          { ...shared, to: kafka ? { kafka } : { writer: ingest!.writer! } },
        )
      : undefined;
    if (receive) steps.push(receive.stop);

    let apiUrl: string | undefined;
    if (roles.has('query') && store) {
      const q = await startQuery(
        { ...config, publicUrl: config.alerting.publicUrl, ...queryHosts(config) },
        {
          ...shared,
          store,
          version: VERSION,
          ingestEndpoints: () => ({ otlpHttp: receive?.otlpUrl, otlpGrpc: receive?.grpc?.url }),
        },
      );
      steps.push(q.stop);
      apiUrl = q.apiUrl;
    } else if (!roles.has('receive')) {
      // An ingest-only process has no other listener: it still answers health checks and scrapes.
      const ops = await startOpsListener(config, shared);
      steps.push(ops.stop);
      apiUrl = ops.url;
    }

    const alerting =
      roles.has('alerting') && store
        ? startAlertingRole(config.alerting, { store, apiUrl: () => apiUrl ?? '', logger })
        : undefined;
    // Stopped first on shutdown: notifications in flight finish, the lease is handed over.
    if (alerting) steps.push(alerting.stop);

    // Last, so its own listener is up; and so shut down first, while that listener still takes
    // the final flush.
    const selfTelemetry = await startSelfTelemetry({
      config: config.selfTelemetry,
      roles,
      version: VERSION,
      ownOtlpUrl: receive?.otlpUrl,
      metrics,
      logger,
      authOn,
    });
    if (selfTelemetry) steps.push(() => selfTelemetry.shutdown());

    let closing: Promise<void> | null = null;
    return {
      roles,
      ...(receive ? { otlpUrl: receive.otlpUrl } : {}),
      ...(receive?.grpc ? { grpcUrl: receive.grpc.url, grpcPort: receive.grpc.port } : {}),
      ...(apiUrl ? { apiUrl } : {}),
      ...(opened ? { store: opened.store, migrations: opened.migrations } : {}),
      ...(ingest?.writer ? { writer: ingest.writer } : {}),
      ...(receive?.kafkaSink ? { kafkaSink: receive.kafkaSink } : {}),
      ...(consumer ? { consumer } : {}),
      ...(alerting ? { alerting: alerting.evaluator } : {}),
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
