import type { FastifyBaseLogger } from 'fastify';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from '../config.ts';

export type KafkaClientOverrides = Partial<ConstructorParameters<typeof Kafka>[0]>;

/** The process's one Kafka client, whose own log lines go through Sightline's logger. */
export function kafkaClient(
  config: Pick<KafkaConfig, 'clientId' | 'brokers'>,
  logger: FastifyBaseLogger,
  overrides: KafkaClientOverrides = {},
): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: [...config.brokers],
    logLevel: logLevel.WARN,
    // kafkajs's own lines go through Sightline's logger, as structured lines like the rest.
    logCreator: () => (entry) => {
      const { message, ...fields } = entry.log;
      const line = { kafka: entry.namespace, ...fields };
      if (entry.level <= logLevel.ERROR) logger.error(line, message);
      else if (entry.level === logLevel.WARN) logger.warn(line, message);
      else logger.info(line, message);
    },
    ...overrides,
  });
}
