import { emptyBatch } from '@sightline/model/rows';
import type { Kafka } from 'kafkajs';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { IngestConsumer, type IngestConsumerOptions } from '../../src/kafka/ingest-consumer.ts';
import { KafkaSink } from '../../src/kafka/kafka-sink.ts';
import {
  MOCK_CONSUMER,
  brokerFor,
  closeStore,
  kafkaFor,
  logsMessage,
  one,
  storeWithDatabase,
  storedCounts,
  tracesMessage,
} from './fixtures.ts';

afterAll(closeStore);

const TOPICS = { otlp_spans: 4, otlp_logs: 2, otlp_metrics: 1, sightline_dead_letter: 1 };

async function publishTraces(kafka: Kafka, traces: number, base: number): Promise<void> {
  const sink = new KafkaSink({ kafka });
  try {
    for (let t = 0; t < traces; t += 200) {
      await sink.submit('traces', tracesMessage(200, 10, base + t), emptyBatch());
    }
  } finally {
    await sink.stop();
  }
}

function consumer(
  kafka: Kafka,
  db: string,
  writer: IngestConsumerOptions['store']['client'],
  extra: Partial<IngestConsumerOptions>,
): IngestConsumer {
  const c = new IngestConsumer({
    kafka,
    groupId: db,
    store: { client: writer, database: db },
    consumer: MOCK_CONSUMER,
    retryBackoffMs: 100,
    maxRetryBackoffMs: 500,
    ...extra,
  });
  onTestFinished(() => c.stop());
  return c;
}

describe('IngestConsumer recovery', () => {
  it('replays a batch stored but not committed under its first token: nothing lost, nothing twice', async () => {
    const db = 'replay';
    const store = await storeWithDatabase(db);
    const kafka = kafkaFor(await brokerFor(TOPICS));
    await publishTraces(kafka, 2_000, 0);

    // The first member cuts 1 000-row batches and dies right after storing its third one.
    let stored = 0;
    let crashed: Promise<void> | undefined;
    const first = consumer(kafka, db, store.writer, {
      batch: { maxRows: 1_000, lingerMs: 60_000 },
      partitionsConsumedConcurrently: 1,
      afterInsert: () => {
        if (++stored < 3 || crashed) return;
        crashed = first.abort();
        throw new Error('crashed between insert and commit');
      },
    });
    await first.start();
    await expect.poll(() => crashed !== undefined, { timeout: 60_000, interval: 50 }).toBe(true);
    await crashed;
    const before = await storedCounts(store, db);
    expect(before.spans[0]).toBeGreaterThanOrEqual(3_000);
    expect(before.spans[0]).toBeLessThan(20_000);

    // Its successor would cut one big batch; the records make it re-form the crashed one instead.
    const second = consumer(kafka, db, store.writer, { batch: { maxRows: 50_000, lingerMs: 200 } });
    await second.start();
    await expect
      .poll(async () => (await storedCounts(store, db)).spans[0], {
        timeout: 40_000,
        interval: 200,
      })
      .toBeGreaterThanOrEqual(20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await storedCounts(store, db)).spans).toEqual([20_000, 20_000]);
    expect(second.stats.replayedBatches).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('pauses and retries while a table is gone, then drains: nothing lost, nothing twice', async () => {
    const db = 'outage';
    const store = await storeWithDatabase(db);
    const kafka = kafkaFor(await brokerFor(TOPICS));
    const errors: string[] = [];
    const c = consumer(kafka, db, store.writer, {
      batch: { lingerMs: 200 },
      onError: (_err, what) => errors.push(what),
    });
    await c.start();
    await publishTraces(kafka, 200, 0);
    await expect
      .poll(async () => (await storedCounts(store, db)).spans[0], {
        timeout: 60_000,
        interval: 100,
      })
      .toBe(2_000);

    await store.writer.command({ query: `DETACH TABLE ${db}.otel_traces` });
    await publishTraces(kafka, 1_000, 200);
    const sink = new KafkaSink({ kafka });
    onTestFinished(() => sink.stop());
    await sink.submit('logs', logsMessage(500, 0), emptyBatch());
    await expect
      .poll(() => c.stats.insertErrors, { timeout: 20_000, interval: 100 })
      .toBeGreaterThan(2);
    expect(errors).toContain('inserting a batch');
    const spansLag = () =>
      c
        .lag()
        .filter((l) => l.topic === 'otlp_spans')
        .reduce((n, l) => n + l.lag, 0);
    expect(spansLag()).toBeGreaterThan(0);
    // Logs live on other partitions and another table: they are not held up.
    await expect
      .poll(
        async () => (await one<{ n: string }>(store, `SELECT count() AS n FROM ${db}.otel_logs`)).n,
        { timeout: 20_000, interval: 100 },
      )
      .toBe('500');

    await store.writer.command({ query: `ATTACH TABLE ${db}.otel_traces` });
    await expect
      .poll(async () => (await storedCounts(store, db)).spans[0], {
        timeout: 60_000,
        interval: 200,
      })
      .toBeGreaterThanOrEqual(12_000);
    await expect.poll(spansLag, { timeout: 10_000, interval: 100 }).toBe(0);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await storedCounts(store, db)).spans).toEqual([12_000, 12_000]);
  }, 120_000);
});
