import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Span, TraceResponse, TraceSearchResponse } from '@sightline/model/api/traces';
import { startMockBroker, type MockBroker } from '../../collector/test/kafka-mock/mock-broker.ts';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import { getJson, spawnSdkProcess, type SdkProcess } from './sdk-process.ts';

/**
 * One trace across HTTP → Kafka → HTTP, every service its own process with the SDK preload,
 * exporting to a running all-in-one and read back through the query API:
 *
 *   test ─POST /orders─► kafka-producer ─kafkajs send─► mock broker ─► kafka-consumer
 *        (eachMessage: log, then GET /work) ─► kafka-stock (node:http)
 */

const FIXTURES = new URL('./fixtures/', import.meta.url);
const fixture = (name: string): string => fileURLToPath(new URL(name, FIXTURES));
const TOPIC = 'orders';
const CORRELATION_ID = 'kafka-corr-3';

let sightline: RunningSightline;
let broker: MockBroker;
const processes: SdkProcess[] = [];
let accepted = 0;
let trace: TraceResponse;

beforeAll(async () => {
  [sightline, broker] = await Promise.all([
    startTestSightline(),
    startMockBroker({ topics: { [TOPIC]: 1 } }),
  ]);
  const common = {
    OTEL_EXPORTER_OTLP_ENDPOINT: sightline.otlpUrl,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_BLRP_SCHEDULE_DELAY: '200',
    KAFKA_BROKERS: broker.brokers.join(','),
    KAFKA_TOPIC: TOPIC,
  };
  const start = async (name: string, script: string, env: Record<string, string> = {}) => {
    const p = await spawnSdkProcess(name, fixture(script), {
      preload: true,
      env: { ...common, ...env },
    });
    processes.push(p);
    return p;
  };
  const stock = await start('kafka-stock', 'chain-service.ts', { FRAMEWORK: 'http' });
  const [producer, consumer] = await Promise.all([
    start('kafka-producer', 'kafka-producer-service.ts'),
    start('kafka-consumer', 'kafka-consumer-service.ts', {
      NEXT_URL: `http://127.0.0.1:${stock.port}`,
      KAFKA_GROUP: 'sdk-kafka-test',
    }),
  ]);

  const res = await fetch(`http://127.0.0.1:${producer.port}/orders`, {
    method: 'POST',
    headers: { 'x-correlation-id': CORRELATION_ID },
  });
  accepted = res.status;
  const order = ((await res.json()) as { id: string }).id;
  // A new group's first join on the mock broker takes a few seconds.
  await consumer.waitForLine((l) => l.handled === order, 60_000);

  for (const p of processes) p.child.kill('SIGTERM');
  await Promise.all(processes.map((p) => p.exit));

  const found = await getJson<TraceSearchResponse>(
    `${sightline.apiUrl}/api/v1/traces?service=kafka-producer`,
  );
  expect(found.traces).toHaveLength(1);
  trace = await getJson<TraceResponse>(
    `${sightline.apiUrl}/api/v1/traces/${found.traces[0]?.traceId}`,
  );
}, 150_000);

afterAll(async () => {
  for (const p of processes) p.kill();
  await Promise.all([sightline?.close(), broker?.stop()]);
});

describe('kafkajs propagation through the SDK', () => {
  it('puts producer, consumer and the consumer’s HTTP call in one trace', () => {
    expect(accepted).toBe(202);
    expect(new Set(trace.spans.map((s) => s.serviceName))).toEqual(
      new Set(['kafka-producer', 'kafka-consumer', 'kafka-stock']),
    );
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    const one = (pred: (s: Span) => boolean, what: string): Span => {
      const found = trace.spans.filter(pred);
      expect(found, what).toHaveLength(1);
      return found[0] as Span;
    };
    const root = one((s) => s.parentSpanId === '', 'root spans');
    expect(root).toMatchObject({ serviceName: 'kafka-producer', kind: 'Server' });
    const send = one((s) => s.kind === 'Producer', 'producer spans');
    const receive = one((s) => s.kind === 'Consumer', 'consumer spans');
    const stock = one(
      (s) => s.serviceName === 'kafka-stock' && s.kind === 'Server',
      'stock server spans',
    );
    expect(send.serviceName).toBe('kafka-producer');
    expect(receive.serviceName).toBe('kafka-consumer');
    // The consumer span continues the producer span (context from the message headers) …
    expect(receive.parentSpanId).toBe(send.spanId);
    // … and the consumer's HTTP call continues the consumer span.
    expect(byId.get(stock.parentSpanId)).toMatchObject({
      serviceName: 'kafka-consumer',
      kind: 'Client',
    });
    for (const span of trace.spans) {
      let cursor: Span | undefined = span;
      for (let hops = 0; cursor !== undefined && cursor !== root && hops < 50; hops += 1) {
        cursor = byId.get(cursor.parentSpanId);
      }
      expect(cursor, `${span.serviceName} ${span.name} reaches the root`).toBe(root);
    }
    // The correlation id rode along in the message headers (baggage) to the consumer and the next
    // HTTP server; every span that starts a unit of work is labelled with it.
    for (const span of [root, send, receive, stock]) {
      expect(span.attributes['sightline.correlation_id'], span.name).toBe(CORRELATION_ID);
    }
  });

  it("shows the consumer's log lines beside the trace", () => {
    const consumerLogs = trace.logs.filter((l) => l.serviceName === 'kafka-consumer');
    expect(consumerLogs.map((l) => l.body)).toEqual(['order received', 'order handled']);
    const consumerSpans = new Set(
      trace.spans.filter((s) => s.serviceName === 'kafka-consumer').map((s) => s.spanId),
    );
    for (const line of consumerLogs) {
      expect(consumerSpans.has(line.spanId)).toBe(true);
      expect(line.attributes.correlation_id).toBe(CORRELATION_ID);
    }
    expect(trace.logs.filter((l) => l.serviceName === 'kafka-producer').map((l) => l.body)).toEqual(
      ['queueing order', 'order queued'],
    );
  });
});
