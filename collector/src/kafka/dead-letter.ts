import type { Producer } from 'kafkajs';
import type { PoisonItem } from './batch-items.ts';

/** Dead-letter headers: why, and where the message came from. */
export const DEAD_LETTER_HEADERS = {
  reason: 'sightline-dead-letter-reason',
  topic: 'sightline-source-topic',
  partition: 'sightline-source-partition',
  offset: 'sightline-source-offset',
} as const;

/**
 * Sends messages that cannot be stored to the dead-letter topic as they came, with headers naming
 * why and where from. Waits for every in-sync replica: the offsets are committed after this.
 */
export async function sendToDeadLetter(
  producer: Producer,
  deadLetterTopic: string,
  source: { readonly topic: string; readonly partition: number },
  items: readonly PoisonItem[],
): Promise<void> {
  await producer.send({
    topic: deadLetterTopic,
    acks: -1,
    messages: items.map((i) => ({
      key: i.poison.key,
      value: i.poison.value,
      headers: {
        [DEAD_LETTER_HEADERS.reason]: i.poison.reason,
        [DEAD_LETTER_HEADERS.topic]: source.topic,
        [DEAD_LETTER_HEADERS.partition]: String(source.partition),
        [DEAD_LETTER_HEADERS.offset]: String(i.offset),
      },
    })),
  });
}
