import { SightlineError } from '@sightline/model/errors';
import { emptyBatch } from '@sightline/model/rows';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { KafkaSink } from '../../src/kafka/kafka-sink.ts';
import { REQUEST_TYPES } from '../../src/otlp/proto.ts';
import {
  brokerFor,
  kafkaFor,
  spanIdHex,
  traceIdHex,
  tracesMessage,
  tracesObject,
} from './fixtures.ts';

interface Span {
  traceId: string;
  spanId: string;
}
interface Decoded {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue: string } }[] };
    scopeSpans: { scope: { name: string }; spans: Span[] }[];
  }[];
}

const decode = (m: KafkaMessage): Decoded =>
  REQUEST_TYPES.traces.toObject(REQUEST_TYPES.traces.decode(m.value!) as object, {
    bytes: String,
    longs: String,
  }) as unknown as Decoded;

const b64hex = (b64: string): string => Buffer.from(b64, 'base64').toString('hex');

describe('KafkaSink', () => {
  it('publishes one otlp_proto message per trace, keyed by its id, with only its spans', async () => {
    const broker = await brokerFor();
    const kafka = kafkaFor(broker);
    const sink = new KafkaSink({ kafka });
    onTestFinished(() => sink.stop());
    // 3 traces × 4 spans over two resources, interleaved; then the same shape as OTLP/JSON.
    await sink.submit('traces', tracesMessage(3, 4, 0), emptyBatch());
    const json = tracesObject(2, 3, 10) as Decoded;
    for (const rs of json.resourceSpans)
      for (const ss of rs.scopeSpans)
        for (const s of ss.spans) {
          s.traceId = Buffer.from(s.traceId).toString('hex');
          s.spanId = Buffer.from(s.spanId).toString('hex');
        }
    await sink.submit('traces', json, emptyBatch());
    expect(sink.stats.messages).toBe(5);

    const consumer = kafka.consumer({ groupId: 'raw', maxWaitTimeInMs: 100 });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'otlp_spans', fromBeginning: true });
    const got: { key: string; partition: number; value: Decoded }[] = [];
    await consumer.run({
      eachMessage: ({ message, partition }) => {
        got.push({ key: message.key!.toString(), partition, value: decode(message) });
        return Promise.resolve();
      },
    });
    await expect.poll(() => got.length, { timeout: 20_000, interval: 50 }).toBe(5);

    const expected = new Map<string, string[]>();
    for (const [traces, per, base] of [
      [3, 4, 0],
      [2, 3, 10],
    ] as const)
      for (let t = 0; t < traces; t++)
        expected.set(
          traceIdHex(base + t),
          Array.from({ length: per }, (_, i) => spanIdHex((base + t) * per + i)).sort(),
        );
    expect(got.map((g) => g.key).sort()).toEqual([...expected.keys()].sort());
    for (const g of got) {
      const spans = g.value.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
      expect(spans.every((s) => b64hex(s.traceId) === g.key)).toBe(true);
      expect(spans.map((s) => b64hex(s.spanId)).sort()).toEqual(expected.get(g.key));
      // Resource and scope travel with the spans: even spans on svc-0, odd ones on svc-1.
      expect(
        g.value.resourceSpans.map((rs) => rs.resource.attributes[0]!.value.stringValue),
      ).toEqual(['svc-0', 'svc-1']);
      expect(g.value.resourceSpans[0]!.scopeSpans[0]!.scope.name).toBe('test');
    }
  });

  it('answers 503 with Retry-After within its timeout while Kafka is down, and works once up', async () => {
    const broker = await brokerFor({ otlp_spans: 2, otlp_logs: 1, otlp_metrics: 1 });
    const kafka = kafkaFor(broker, {
      connectionTimeout: 300,
      requestTimeout: 1_000,
      retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 200 },
    });
    const sink = new KafkaSink({ kafka, produceTimeoutMs: 2_000, retryAfterSeconds: 7 });
    onTestFinished(() => sink.stop());
    await sink.start();
    await sink.submit('traces', tracesMessage(1, 1, 0), emptyBatch());

    await broker.setDown();
    const started = Date.now();
    const err = await sink
      .submit('traces', tracesMessage(1, 1, 1), emptyBatch())
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(err).toBeInstanceOf(SightlineError);
    expect(err).toMatchObject({ statusCode: 503, retryAfterSeconds: 7 });

    await broker.setUp();
    await expect
      .poll(
        () =>
          sink.submit('traces', tracesMessage(1, 1, 2), emptyBatch()).then(
            () => 'ok',
            (e: unknown) => String(e),
          ),
        { timeout: 15_000, interval: 200 },
      )
      .toBe('ok');
  });
});
