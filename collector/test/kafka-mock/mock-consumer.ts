import type { IngestConsumerOptions } from '../../src/kafka/ingest-consumer.ts';
import { createDelayedRoundRobinAssigner } from './delayed-assigner.ts';

/** Consumer settings the mock broker needs (see mock-broker.ts); real Kafka keeps the defaults. */
export const MOCK_CONSUMER: IngestConsumerOptions['consumer'] = {
  sessionTimeout: 6_000,
  heartbeatInterval: 1_000,
  maxWaitTimeInMs: 100,
  partitionAssigners: [createDelayedRoundRobinAssigner()],
};
