import { Partitioners } from 'kafkajs';
import type { IHeaders, Kafka } from 'kafkajs';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { DEAD_LETTER_HEADERS, IngestConsumer } from '../../src/kafka/ingest-consumer.ts';
import { REQUEST_TYPES } from '../../src/otlp/proto.ts';
import {
  MOCK_CONSUMER,
  brokerFor,
  closeStore,
  kafkaFor,
  logsMessage,
  metricsMessage,
  one,
  spanIdHex,
  storeWithDatabase,
  storedCounts,
  traceIdHex,
  tracesObject,
} from './fixtures.ts';

afterAll(closeStore);

async function plainProducer(kafka: Kafka) {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  return producer;
}

async function startConsumer(kafka: Kafka, db: string, groupId: string) {
  const store = await storeWithDatabase(db);
  const consumer = new IngestConsumer({
    kafka,
    groupId,
    store: { client: store.writer, database: db },
    consumer: MOCK_CONSUMER,
    batch: { lingerMs: 200 },
  });
  onTestFinished(() => consumer.stop());
  await consumer.start();
  return { store, consumer };
}

describe('IngestConsumer', () => {
  it('stores what the OpenTelemetry Collector Kafka exporter writes (otlp_proto, unkeyed)', async () => {
    const db = 'interop';
    const kafka = kafkaFor(await brokerFor());
    const producer = await plainProducer(kafka);
    // OpenTelemetry's generated protobufjs classes build and encode the requests, one message per
    // export request and no key, as the Collector's exporter does by default.
    const encode = (signal: 'traces' | 'logs' | 'metrics', obj: object): Buffer =>
      Buffer.from(REQUEST_TYPES[signal].encode(REQUEST_TYPES[signal].fromObject(obj)).finish());
    for (let r = 0; r < 20; r++) {
      await producer.send({
        topic: 'otlp_spans',
        acks: -1,
        messages: Array.from({ length: 10 }, (_, m) => ({
          value: encode('traces', tracesObject(5, 4, (r * 10 + m) * 5)),
        })),
      });
    }
    await producer.send({
      topic: 'otlp_logs',
      acks: -1,
      messages: [0, 1, 2].map((i) => ({
        value: Buffer.from(REQUEST_TYPES.logs.encode(logsMessage(100, i * 100)).finish()),
      })),
    });
    await producer.send({
      topic: 'otlp_metrics',
      acks: -1,
      messages: [0, 1].map((i) => ({
        value: Buffer.from(REQUEST_TYPES.metrics.encode(metricsMessage(50, i * 50)).finish()),
      })),
    });

    const { store } = await startConsumer(kafka, db, 'interop');
    const expected = { spans: [4000, 4000], logs: [300, 300], points: [100, 100] };
    await expect
      .poll(() => storedCounts(store, db), { timeout: 60_000, interval: 200 })
      .toEqual(expected);

    // The values survived the trip: a span as tracesObject built it (trace 0, span 1, svc-1).
    const span = await one<Record<string, unknown>>(
      store,
      `SELECT TraceId, ServiceName, SpanName, SpanKind, Duration, StatusCode,
        SpanAttributes['seq'] AS seq, ScopeName FROM ${db}.otel_traces WHERE SpanId = '${spanIdHex(1)}'`,
    );
    expect(span).toEqual({
      TraceId: traceIdHex(0),
      ServiceName: 'svc-1',
      SpanName: 'op-1',
      SpanKind: 'Server',
      Duration: '1500000',
      StatusCode: 'Ok',
      seq: '1',
      ScopeName: 'test',
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await storedCounts(store, db)).toEqual(expected);
  }, 120_000);

  it('dead-letters undecodable and unstorable messages and keeps the partition flowing', async () => {
    const db = 'poison';
    const topics = { otlp_spans: 1, otlp_logs: 1, otlp_metrics: 1, sightline_dead_letter: 1 };
    const kafka = kafkaFor(await brokerFor(topics));
    const producer = await plainProducer(kafka);
    const good = (base: number) => ({
      value: Buffer.from(
        REQUEST_TYPES.traces
          .encode(REQUEST_TYPES.traces.fromObject(tracesObject(1, 5, base)))
          .finish(),
      ),
    });
    // Field 1, length-delimited, claiming far more bytes than follow.
    const garbage = { key: 'bad', value: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]) };
    const zeroIds = tracesObject(1, 2, 0) as {
      resourceSpans: { scopeSpans: { spans: { traceId: Buffer }[] }[] }[];
    };
    for (const rs of zeroIds.resourceSpans)
      for (const s of rs.scopeSpans[0]!.spans) s.traceId = Buffer.alloc(16);
    const unstorable = {
      value: Buffer.from(
        REQUEST_TYPES.traces.encode(REQUEST_TYPES.traces.fromObject(zeroIds)).finish(),
      ),
    };
    // offsets 0–1 good, 2 garbage, 3 unstorable, 4–5 good
    await producer.send({
      topic: 'otlp_spans',
      acks: -1,
      messages: [good(0), good(1), garbage, unstorable, good(2), good(3)],
    });

    const { store, consumer } = await startConsumer(kafka, db, 'poison');
    await expect
      .poll(() => storedCounts(store, db), { timeout: 60_000, interval: 200 })
      .toEqual({
        spans: [20, 20],
        logs: [0, 0],
        points: [0, 0],
      });
    // Later messages on the same partition flow too.
    await producer.send({ topic: 'otlp_spans', acks: -1, messages: [good(4), good(5)] });
    await expect
      .poll(async () => (await storedCounts(store, db)).spans, { timeout: 60_000, interval: 200 })
      .toEqual([30, 30]);
    expect(consumer.stats.deadLettered).toBe(2);
    await expect
      .poll(() => consumer.lag().find((l) => l.topic === 'otlp_spans')?.lag, { timeout: 5_000 })
      .toBe(0);

    const dead: { key: string | undefined; value: Buffer; headers: IHeaders }[] = [];
    const reader = kafka.consumer({ groupId: 'dead-letter-reader', maxWaitTimeInMs: 100 });
    await reader.connect();
    onTestFinished(() => reader.disconnect());
    await reader.subscribe({ topic: 'sightline_dead_letter', fromBeginning: true });
    await reader.run({
      eachMessage: ({ message }) => {
        dead.push({
          key: message.key?.toString(),
          value: message.value!,
          headers: message.headers ?? {},
        });
        return Promise.resolve();
      },
    });
    await expect.poll(() => dead.length, { timeout: 20_000, interval: 50 }).toBe(2);
    const h = (i: number, name: string): string | undefined => dead[i]!.headers[name]?.toString();
    expect(dead[0]!.key).toBe('bad');
    expect(dead[0]!.value).toEqual(garbage.value);
    expect(h(0, DEAD_LETTER_HEADERS.reason)).toMatch(
      /not a valid protobuf ExportTraceServiceRequest/,
    );
    expect(h(0, DEAD_LETTER_HEADERS.topic)).toBe('otlp_spans');
    expect(h(0, DEAD_LETTER_HEADERS.partition)).toBe('0');
    expect(h(0, DEAD_LETTER_HEADERS.offset)).toBe('2');
    expect(h(1, DEAD_LETTER_HEADERS.reason)).toMatch(/nothing could be stored.*traceId/);
    expect(h(1, DEAD_LETTER_HEADERS.offset)).toBe('3');
  }, 120_000);
});
