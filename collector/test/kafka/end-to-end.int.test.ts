import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { IngestConsumer } from '../../src/kafka/ingest-consumer.ts';
import { KafkaSink } from '../../src/kafka/kafka-sink.ts';
import { DEFAULT_LIMITS } from '../../src/otlp/values.ts';
import { buildReceiveApp } from '../../src/receive/app.ts';
import {
  MOCK_CONSUMER,
  brokerFor,
  closeStore,
  encodeRequest,
  kafkaFor,
  logsMessage,
  metricsMessage,
  storeWithDatabase,
  storedCounts,
  tracesMessage,
} from './fixtures.ts';

afterAll(closeStore);

const TRACES = 6_000;
const SPANS_PER_TRACE = 10;
const LOGS = 25_000;
const POINTS = 15_000;

describe('receive → Kafka → ingest', () => {
  it('stores 100k spans, logs and points exactly once with two consumers in one group', async () => {
    const db = 'e2e';
    const store = await storeWithDatabase(db);
    const broker = await brokerFor();
    const kafka = kafkaFor(broker);
    const sink = new KafkaSink({ kafka });
    onTestFinished(() => sink.stop());
    const app = buildReceiveApp({ sink, bodyLimitBytes: 64 * 1024 * 1024, limits: DEFAULT_LIMITS });
    onTestFinished(() => app.close());

    // Requests as an SDK or Collector sends them: OTLP protobuf over HTTP, a few in flight.
    const bodies: { signal: 'traces' | 'logs' | 'metrics'; body: Buffer }[] = [];
    for (let t = 0; t < TRACES; t += 300)
      bodies.push({
        signal: 'traces',
        body: encodeRequest('traces', tracesMessage(300, SPANS_PER_TRACE, t)),
      });
    for (let i = 0; i < LOGS; i += 2_500)
      bodies.push({ signal: 'logs', body: encodeRequest('logs', logsMessage(2_500, i)) });
    for (let i = 0; i < POINTS; i += 1_500)
      bodies.push({ signal: 'metrics', body: encodeRequest('metrics', metricsMessage(1_500, i)) });
    const total = TRACES * SPANS_PER_TRACE + LOGS + POINTS;

    const produceStart = performance.now();
    const queue = [...bodies];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let b = queue.shift(); b; b = queue.shift()) {
          const res = await app.inject({
            method: 'POST',
            url: `/v1/${b.signal}`,
            headers: { 'content-type': 'application/x-protobuf' },
            payload: b.body,
          });
          expect(res.statusCode, res.body).toBe(200);
        }
      }),
    );
    const produceMs = performance.now() - produceStart;

    const consumeStart = performance.now();
    const members = ['a', 'b'].map(
      () =>
        new IngestConsumer({
          kafka,
          groupId: 'e2e',
          store: { client: store.writer, database: db },
          consumer: MOCK_CONSUMER,
        }),
    );
    for (const m of members) onTestFinished(() => m.stop());
    await Promise.all(members.map((m) => m.start()));

    const stored = async (): Promise<number> => {
      const c = await storedCounts(store, db);
      return c.spans[0] + c.logs[0] + c.points[0];
    };
    await expect.poll(stored, { timeout: 150_000, interval: 250 }).toBeGreaterThanOrEqual(total);
    const consumeMs = performance.now() - consumeStart;
    // A duplicate would come right behind the last batch; give it time to show up.
    await new Promise((r) => setTimeout(r, 1_500));

    expect(await storedCounts(store, db)).toEqual({
      spans: [TRACES * SPANS_PER_TRACE, TRACES * SPANS_PER_TRACE],
      logs: [LOGS, LOGS],
      points: [POINTS, POINTS],
    });
    // Both members took part.
    expect(members.map((m) => m.stats.rowsInserted > 0)).toEqual([true, true]);
    expect(members.reduce((n, m) => n + m.stats.rowsInserted, 0)).toBe(total);
    await expect
      .poll(() => members.flatMap((m) => m.lag()).reduce((n, l) => n + l.lag, 0), {
        timeout: 5_000,
      })
      .toBe(0);

    console.log(
      `end-to-end: ${total} items; produce (receive + Kafka ack) ${Math.round(total / (produceMs / 1000))} items/s ` +
        `in ${Math.round(produceMs)} ms; consume+store ${Math.round(total / (consumeMs / 1000))} items/s ` +
        `in ${Math.round(consumeMs)} ms (includes the group's first join); ` +
        `members inserted ${members.map((m) => m.stats.rowsInserted).join(' + ')} in ${members.map((m) => m.stats.batches).join(' + ')} batches`,
    );
    // On two shared cores beside other test files this can take a minute.
  }, 180_000);
});
