import type { FastifyBaseLogger } from 'fastify';
import type { Kafka } from 'kafkajs';
import { batchPolicy } from '@sightline/collector/ingest/batch-policy';
import { GroupCommitWriter } from '@sightline/collector/ingest/group-commit';
import { directWriter } from '@sightline/collector/ingest/sink';
import { IngestConsumer } from '@sightline/collector/kafka/ingest-consumer';
import type { MapLimits } from '@sightline/collector/otlp/values';
import type { StoreClients } from '@sightline/store/client-factory';
import { isRejectedDataError } from '@sightline/store/errors';
import type { SightlineConfig } from '../config.ts';
import type { SelfMetrics } from '../self-metrics.ts';
import { traceInserts } from '../self-telemetry.ts';
import { StopSteps, type Stoppable } from './started.ts';

/** What the ingest role reads from the configuration. */
export interface IngestRoleConfig extends Pick<
  SightlineConfig,
  'database' | 'batchMaxRows' | 'queueMaxRows' | 'batchLingerMs'
> {
  readonly kafka: Pick<SightlineConfig['kafka'], 'groupId' | 'topics' | 'deadLetterTopic'>;
  /** The limits receive applies: Kafka carries the request as sent, so ingest maps it again. */
  readonly limits: MapLimits;
  /** Each insert a span (self-telemetry on); the other store calls stay untraced. */
  readonly traceInserts: boolean;
}

/** Test hooks of the Kafka consumer (the test broker needs short timeouts). */
export interface IngestOverrides {
  readonly consumer?: ConstructorParameters<typeof IngestConsumer>[0]['consumer'];
  readonly partitionsConsumedConcurrently?: number;
}

export interface IngestDeps {
  readonly store: StoreClients;
  /** Set: consume from Kafka; unset: take rows in-process from receive (group commit). */
  readonly kafka: Kafka | undefined;
  readonly metrics: SelfMetrics;
  readonly logger: FastifyBaseLogger;
}

export interface StartedIngest extends Stoppable {
  /** The in-process group commit (no Kafka). */
  readonly writer?: GroupCommitWriter;
  /** The Kafka consumer (with Kafka). */
  readonly consumer?: IngestConsumer;
}

/** Starts ingest: a Kafka consumer, or without Kafka the group-commit writer receive feeds. */
export async function startIngest(
  config: IngestRoleConfig,
  deps: IngestDeps,
  overrides: IngestOverrides = {},
): Promise<StartedIngest> {
  const { store, kafka, metrics, logger } = deps;
  const insertClient = config.traceInserts ? traceInserts(store.writer) : store.writer;
  const steps = new StopSteps();
  if (kafka) {
    const consumer = new IngestConsumer({
      kafka,
      groupId: config.kafka.groupId,
      topics: config.kafka.topics,
      deadLetterTopic: config.kafka.deadLetterTopic,
      store: { client: insertClient, database: config.database },
      limits: config.limits,
      batch: { maxRows: config.batchMaxRows },
      ...(overrides.consumer ? { consumer: overrides.consumer } : {}),
      ...(overrides.partitionsConsumedConcurrently
        ? { partitionsConsumedConcurrently: overrides.partitionsConsumedConcurrently }
        : {}),
      onError: (err, what) => logger.error({ err }, `ingest: ${what}`),
    });
    metrics.watchConsumer(consumer);
    await consumer.start();
    steps.push(() => consumer.stop());
    return { consumer, stop: () => steps.stop() };
  }
  const writer = new GroupCommitWriter({
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
  metrics.watchWriter(writer);
  steps.push(() => writer.drain());
  return { writer, stop: () => steps.stop() };
}
