import { logLevel } from 'kafkajs';
import type { IngestConsumerOptions } from '../../src/kafka/ingest-consumer.ts';
import { createDelayedRoundRobinAssigner } from './delayed-assigner.ts';

/** Consumer settings the mock broker needs (see mock-broker.ts); real Kafka keeps the defaults. */
export const MOCK_CONSUMER: IngestConsumerOptions['consumer'] = {
  sessionTimeout: 6_000,
  heartbeatInterval: 1_000,
  maxWaitTimeInMs: 100,
  partitionAssigners: [createDelayedRoundRobinAssigner()],
};

/** Client settings for a producer against the mock broker: short timeouts, one quick retry. */
export const MOCK_PRODUCER_CLIENT = {
  logLevel: logLevel.NOTHING,
  retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 200 },
  connectionTimeout: 300,
  requestTimeout: 1000,
};
