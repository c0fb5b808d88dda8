import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Kafka, logLevel } from 'kafkajs';
import { SightlineError } from '@sightline/model/errors';
import { GroupCommitWriter } from '@sightline/collector/ingest/group-commit';
import { IngestConsumer } from '@sightline/collector/kafka/ingest-consumer';
import { KafkaSink } from '@sightline/collector/kafka/kafka-sink';
import { buildReceiveApp, rowSink, type IngestSink } from '@sightline/collector/receive/app';
import { buildQueryApp } from '@sightline/query/app';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { insertRows } from '@sightline/store/insert';
import { migrate, type MigrationResult } from '@sightline/store/migrate';
import { applyRetention } from '@sightline/store/retention';
import { isLoopback, type SightlineConfig } from './config.ts';
import type { Role } from './roles.ts';
import { SelfMetrics } from './self-metrics.ts';

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
  readonly apiUrl?: string;
  readonly store?: StoreClients;
  /** The in-process group commit (receive and ingest together, no Kafka). */
  readonly writer?: GroupCommitWriter;
  readonly kafkaSink?: KafkaSink;
  readonly consumer?: IngestConsumer;
  readonly migrations?: MigrationResult;
  readonly metrics: SelfMetrics;
  /** Stops accepting, stores (or publishes) everything already accepted, then closes. */
  close(): Promise<void>;
}

/** Which roles need what; a combination that cannot work stops start-up with the reason. */
export function checkRoles(config: SightlineConfig): void {
  const { roles } = config;
  const kafka = config.kafka.brokers.length > 0;
  if (!isLoopback(config.host)) {
    // Nothing here authenticates requests yet, so only this machine may reach the listeners.
    throw new SightlineError(
      'SL_ERR_CONFIG',
      1,
      `SIGHTLINE_HOST=${config.host}: listening beyond loopback needs authentication, which this build does not have; use 127.0.0.1 or ::1`,
    );
  }
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
}

const urlOf = (app: FastifyInstance): string => {
  const a = app.server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return `http://${host}:${a.port}`;
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
  const closeAll = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };

  const metrics = new SelfMetrics();
  try {
    let store: StoreClients | undefined;
    let migrations: MigrationResult | undefined;
    if (roles.has('ingest') || roles.has('query')) {
      const s = createStoreClients({
        url: config.clickhouseUrl,
        dataDir: config.dataDir,
        database: config.database,
        queryTimeoutSeconds: config.queryTimeoutSeconds,
      });
      store = s;
      cleanup.push(() => s.close());
      migrations = await migrate(s.writer, config.database, config.retention);
      const changed = await applyRetention(s.writer, config.database, config.retention);
      if (changed.length > 0) logger.info({ tables: changed }, 'retention changed');
    }

    let writer: GroupCommitWriter | undefined;
    let consumer: IngestConsumer | undefined;
    if (roles.has('ingest') && store) {
      const s = store;
      if (kafka) {
        const c = new IngestConsumer({
          kafka,
          groupId: config.kafka.groupId,
          topics: config.kafka.topics,
          deadLetterTopic: config.kafka.deadLetterTopic,
          store: { client: s.writer, database: config.database },
          maxBatchRows: config.batchMaxRows,
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
          insert: (kind, rows, token) => insertRows(s.writer, config.database, kind, rows, token),
          maxBatchRows: config.batchMaxRows,
          maxQueuedRows: config.queueMaxRows,
          lingerMs: config.batchLingerMs,
          insertAttempts: 3,
          retryBackoffMs: 200,
          unavailableMs: 2_000,
          onError: (err, rows) =>
            logger.error({ err, rows }, 'insert failed; clients were told to retry'),
        });
        writer = w;
        metrics.watchWriter(w);
        cleanup.push(() => w.drain());
      }
    }

    let otlpUrl: string | undefined;
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
        sink = rowSink(writer!);
      }
      const receive = buildReceiveApp({
        sink,
        bodyLimitBytes: config.maxBodyBytes,
        limits: {
          maxValueLength: config.maxAttributeLength,
          maxAttributes: config.maxAttributes,
          maxDepth: 16,
        },
        logger: logger.child({ role: 'receive' }),
        observer: metrics.receiveObserver,
      });
      metrics.serve(receive);
      await receive.listen({ host: config.host, port: config.otlpPort });
      // Closed first on shutdown (last in, first out): stop taking requests, then drain.
      cleanup.push(() => receive.close());
      otlpUrl = urlOf(receive);
    }

    let apiUrl: string | undefined;
    if (roles.has('query') && store) {
      const query = buildQueryApp({
        store,
        version: VERSION,
        maxTraceSpans: config.maxTraceSpans,
        logger: logger.child({ role: 'query' }),
      });
      metrics.serve(query);
      await query.listen({ host: config.host, port: config.apiPort });
      cleanup.push(() => query.close());
      apiUrl = urlOf(query);
    } else if (!roles.has('receive')) {
      // An ingest-only process has no other listener: it still answers health checks and scrapes.
      const ops = Fastify({ logger: false });
      metrics.serve(ops);
      ops.get('/health', (_req, reply) => reply.send({ status: 'ok' }));
      await ops.listen({ host: config.host, port: config.apiPort });
      cleanup.push(() => ops.close());
      apiUrl = urlOf(ops);
    }

    let closing: Promise<void> | null = null;
    return {
      roles,
      ...(otlpUrl ? { otlpUrl } : {}),
      ...(apiUrl ? { apiUrl } : {}),
      ...(store ? { store } : {}),
      ...(writer ? { writer } : {}),
      ...(kafkaSink ? { kafkaSink } : {}),
      ...(consumer ? { consumer } : {}),
      ...(migrations ? { migrations } : {}),
      metrics,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
