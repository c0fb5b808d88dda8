import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createDelayedRoundRobinAssigner } from './delayed-assigner.ts';
import { startMockBroker } from './mock-broker.ts';

const MESSAGES = 20_000;
const PER_SEND = 500;
const PARTITIONS = 16;

describe('createDelayedRoundRobinAssigner on the Kafka mock broker', () => {
  it('lets two consumers in one group together receive everything exactly once', async () => {
    const topic = 'sightline-spans';
    const broker = await startMockBroker({ topics: { [topic]: PARTITIONS } });
    onTestFinished(() => broker.stop());
    const kafka = new Kafka({
      clientId: 'delayed-assigner-test',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });

    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    for (let first = 0; first < MESSAGES; first += PER_SEND) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: PER_SEND }, (_, i) => ({
          key: `trace-${first + i}`,
          value: String(first + i),
        })),
      });
    }

    // Both members start together, so both join the group's first generation.
    const members = await Promise.all(
      ['first', 'second'].map(async (name) => {
        const consumer = kafka.consumer({
          groupId: 'two-members',
          maxWaitTimeInMs: 100,
          partitionAssigners: [createDelayedRoundRobinAssigner()],
        });
        const values: string[] = [];
        const partitions = new Set<number>();
        await consumer.connect();
        onTestFinished(() => consumer.disconnect());
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachBatch: ({ batch }) => {
            if (batch.messages.length > 0) partitions.add(batch.partition);
            for (const m of batch.messages) values.push(m.value?.toString() ?? '<null>');
            return Promise.resolve();
          },
        });
        return { name, values, partitions };
      }),
    );

    const all = (): string[] => members.flatMap((m) => m.values);
    await expect.poll(() => new Set(all()).size, { timeout: 40_000, interval: 50 }).toBe(MESSAGES);
    // A duplicate would come right behind the last new message; give it time to show up.
    await sleep(500);

    expect(all()).toHaveLength(MESSAGES);
    const [first, second] = members;
    // Each member read its own share: both busy, no partition read by both.
    expect(first!.values.length).toBeGreaterThan(0);
    expect(second!.values.length).toBeGreaterThan(0);
    expect([...first!.partitions].filter((p) => second!.partitions.has(p))).toEqual([]);
    expect(first!.partitions.size + second!.partitions.size).toBe(PARTITIONS);
  });
});
