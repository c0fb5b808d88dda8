/**
 * The demo's one Kafka hop (checkout → payments), used when SIGHTLINE_DEMO_KAFKA_BROKERS is set.
 * kafkajs is imported only then, and after the SDK preload, so its instrumentation carries the
 * trace context in the message headers.
 */
import type { Kafka } from 'kafkajs';

export const kafkaBrokers = (process.env.SIGHTLINE_DEMO_KAFKA_BROKERS ?? '')
  .split(',')
  .map((b) => b.trim())
  .filter((b) => b !== '');
export const kafkaTopic = process.env.SIGHTLINE_DEMO_KAFKA_TOPIC ?? 'shop.payments';

export async function connectKafka(clientId: string): Promise<Kafka> {
  const { Kafka, logLevel } = await import('kafkajs');
  return new Kafka({ clientId, brokers: kafkaBrokers, logLevel: logLevel.ERROR });
}

/** A payment request as it travels over HTTP or Kafka. */
export interface Charge {
  orderId: string;
  user: string;
  amount: number;
}
