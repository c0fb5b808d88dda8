import type { Signal } from '../otlp/proto.ts';

/** The Kafka topic of each signal. */
export type KafkaTopics = Readonly<Record<Signal, string>>;

/** The OpenTelemetry Collector Kafka exporter's and receiver's defaults, so either end interoperates. */
export const DEFAULT_TOPICS: KafkaTopics = Object.freeze({
  traces: 'otlp_spans',
  logs: 'otlp_logs',
  metrics: 'otlp_metrics',
});

export const DEFAULT_DEAD_LETTER_TOPIC = 'sightline_dead_letter';

export function resolveTopics(topics: Partial<KafkaTopics> | undefined): KafkaTopics {
  const resolved = Object.freeze({ ...DEFAULT_TOPICS, ...topics });
  const names = Object.values(resolved);
  if (new Set(names).size !== names.length) {
    throw new Error(`each signal needs its own Kafka topic, got ${JSON.stringify(resolved)}`);
  }
  return resolved;
}
