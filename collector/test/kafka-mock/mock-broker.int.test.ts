import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { KafkaConfig, Producer } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startMockBroker } from './mock-broker.ts';
import type { MockBroker } from './mock-broker.ts';

const MESSAGES = 20_000;
// The mock returns one produced batch per partition per Fetch, so few, large sends go fastest.
const PER_SEND = 500;

interface Received {
  key: string | undefined;
  value: string;
  partition: number;
}

async function brokerFor(topics: Record<string, number>): Promise<MockBroker> {
  const broker = await startMockBroker({ topics });
  onTestFinished(() => broker.stop());
  return broker;
}

function kafkaFor(broker: MockBroker, config: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'mock-broker-test',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    ...config,
  });
}

async function connectedProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  return producer;
}

/** Starts a new consumer group on `topic` from its beginning; messages land in the array. */
async function consumeInto(kafka: Kafka, topic: string, groupId: string): Promise<Received[]> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  onTestFinished(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: Received[] = [];
  await consumer.run({
    eachBatch: ({ batch }) => {
      for (const m of batch.messages) {
        received.push({
          key: m.key?.toString(),
          value: m.value?.toString() ?? '<null>',
          partition: batch.partition,
        });
      }
      return Promise.resolve();
    },
  });
  return received;
}

/** Whether a TCP connection to `host:port` is refused, i.e. nothing listens there. */
function isRefused(hostPort: string): Promise<boolean> {
  const [host = '', port = ''] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = connect(Number(port), host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('Kafka mock broker', () => {
  it('delivers 20k messages on 16 partitions to a consumer group exactly once', async () => {
    const topic = 'sightline-spans';
    const kafka = kafkaFor(await brokerFor({ [topic]: 16 }));
    const producer = await connectedProducer(kafka);

    for (let first = 0; first < MESSAGES; first += PER_SEND) {
      const messages = Array.from({ length: PER_SEND }, (_, i) => ({
        key: `trace-${first + i}`,
        value: String(first + i),
      }));
      const acks = await producer.send({ topic, acks: -1, messages });
      expect(acks.filter((a) => a.errorCode !== 0)).toEqual([]);
    }

    const received = await consumeInto(kafka, topic, 'exactly-once');
    const distinct = (): number => new Set(received.map((m) => m.value)).size;
    // A new group's first join takes ~3 s on the mock (its initial rebalance delay).
    await expect.poll(distinct, { timeout: 30_000, interval: 50 }).toBe(MESSAGES);
    // A duplicate would come right behind the last new message; give it time to show up.
    await sleep(500);

    expect(received).toHaveLength(MESSAGES);
    const values = new Set(received.map((m) => m.value));
    for (let i = 0; i < MESSAGES; i++) expect(values.has(String(i))).toBe(true);
    expect(received.filter((m) => m.key !== `trace-${m.value}`)).toEqual([]);
    // Keys spread over every partition, so the group really read all 16.
    expect(new Set(received.map((m) => m.partition)).size).toBe(16);
  });

  it('fails produce requests while down and serves them again once up', async () => {
    const topic = 'faults';
    const broker = await brokerFor({ [topic]: 2 });
    // One retry and short timeouts, so a produce to a down broker fails in well under a second.
    const kafka = kafkaFor(broker, {
      connectionTimeout: 300,
      requestTimeout: 1_000,
      retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 200 },
    });
    const producer = await connectedProducer(kafka);
    await producer.send({ topic, acks: -1, messages: [{ value: 'before' }] });

    await broker.setDown();
    await expect(
      producer.send({ topic, acks: -1, timeout: 1_000, messages: [{ value: 'while down' }] }),
    ).rejects.toThrow(/connect/i);
    expect(await isRefused(broker.brokers[0]!)).toBe(true);

    await broker.setUp();
    await producer.send({ topic, acks: -1, timeout: 1_000, messages: [{ value: 'after' }] });

    // What was written before going down survived it; the refused message was never written.
    const received = await consumeInto(kafka, topic, 'fault-check');
    await expect.poll(() => received.length, { timeout: 15_000, interval: 50 }).toBe(2);
    await sleep(300);
    expect(received.map((m) => m.value).sort()).toEqual(['after', 'before']);
  });

  it('stops listening once stopped, and refuses commands after that', async () => {
    const broker = await startMockBroker({ topics: { t: 1 }, brokerCount: 3 });
    expect(broker.brokers).toHaveLength(3);
    for (const b of broker.brokers) expect(await isRefused(b)).toBe(false);

    await broker.stop();
    await broker.stop();

    for (const b of broker.brokers) expect(await isRefused(b)).toBe(true);
    await expect(broker.setDown()).rejects.toThrow(/stopped/);
  });

  it('rejects topics it cannot create, naming them', async () => {
    await expect(startMockBroker({ topics: { 'no:colons': 1 } })).rejects.toThrow(/no:colons/);
    await expect(startMockBroker({ topics: { spans: 0 } })).rejects.toThrow(/spans/);
  });

  it('goes away when the process that started it dies', async () => {
    // Another Node process starts a broker, prints its address, and is then killed outright.
    const moduleUrl = new URL('./mock-broker.ts', import.meta.url).href;
    const script = [
      `const { startMockBroker } = await import(${JSON.stringify(moduleUrl)});`,
      `const broker = await startMockBroker({ topics: { t: 1 } });`,
      `console.log(broker.brokers[0]);`,
      `setInterval(() => {}, 1000);`,
    ].join('\n');
    const owner = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    onTestFinished(() => {
      owner.kill('SIGKILL');
    });
    const first = await createInterface({ input: owner.stdout })[Symbol.asyncIterator]().next();
    const address = String(first.value);
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await isRefused(address)).toBe(false);

    owner.kill('SIGKILL');
    await expect.poll(() => isRefused(address), { timeout: 5_000, interval: 50 }).toBe(true);
  });
});
