import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOCK_CONSUMER } from '../../collector/test/kafka-mock/mock-consumer.ts';
import { startMockBroker, type MockBroker } from '../../collector/test/kafka-mock/mock-broker.ts';
import { checkRoles, startRoles, type RunningRoles } from '../src/start-roles.ts';
import { nowNanos, testConfig } from './harness.ts';

// Distributed mode in one test process: a receive-only instance (no store) publishes to Kafka,
// an ingest+query instance consumes into the store — as two processes would in production.
const TOPICS = { otlp_spans: 16, otlp_logs: 8, otlp_metrics: 4, sightline_dead_letter: 1 };
const logger = pino({ level: process.env.SIGHTLINE_TEST_LOG ?? 'silent' });
let broker: MockBroker;
let receive: RunningRoles;
let ingest: RunningRoles;

beforeAll(async () => {
  broker = await startMockBroker({ topics: TOPICS });
  const kafkaEnv = { SIGHTLINE_KAFKA_BROKERS: broker.brokers.join(',') };
  // The mock broker needs short timeouts and a patient assigner; real Kafka keeps the defaults.
  const kafkaClient = {
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 200 },
    connectionTimeout: 300,
    requestTimeout: 1000,
  };
  ingest = await startRoles(testConfig({ ...kafkaEnv, SIGHTLINE_ROLES: 'ingest,query' }), logger, {
    kafkaClient: { logLevel: logLevel.NOTHING },
    consumer: MOCK_CONSUMER,
  });
  receive = await startRoles(
    testConfig({
      ...kafkaEnv,
      SIGHTLINE_ROLES: 'receive',
      SIGHTLINE_KAFKA_PRODUCE_TIMEOUT_MS: '1500',
    }),
    logger,
    { kafkaClient },
  );
}, 60_000);

afterAll(async () => {
  await receive?.close();
  await ingest?.close();
  await broker?.stop();
});

async function storedSpans(service: string): Promise<{ n: string; u: string }> {
  const rs = await ingest.store!.reader.query({
    query: `SELECT count() AS n, uniqExact(SpanId) AS u FROM sightline.otel_traces WHERE ServiceName = {s:String}`,
    query_params: { s: service },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string; u: string }>();
  return row!;
}

async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('distributed mode (receive → Kafka → ingest)', () => {
  it('has the roles it was given and no more', () => {
    expect(receive.otlpUrl).toBeDefined();
    expect(receive.store).toBeUndefined();
    expect(receive.apiUrl).toBeUndefined();
    expect(ingest.otlpUrl).toBeUndefined();
    expect(ingest.consumer).toBeDefined();
    expect(ingest.apiUrl).toBeDefined();
  });

  it('stores every span the OpenTelemetry SDK sent to the receive instance, exactly once', async () => {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'kafka-path' }),
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${receive.otlpUrl}/v1/traces` }), {
          maxQueueSize: 20_000,
          maxExportBatchSize: 500,
        }),
      ],
    });
    const tracer = provider.getTracer('t');
    for (let t = 0; t < 1000; t++) {
      const root = tracer.startSpan(`root-${t}`);
      const parent = trace.setSpan(context.active(), root);
      for (let c = 0; c < 4; c++) tracer.startSpan(`child-${c}`, {}, parent).end();
      root.end();
    }
    await provider.shutdown();
    const stored = await until(
      () => storedSpans('kafka-path'),
      (r) => Number(r.n) >= 5000,
    );
    expect(stored).toEqual({ n: '5000', u: '5000' });

    // Read back through the ingest instance's query API.
    const res = await fetch(
      `${ingest.apiUrl}/api/v1/traces?service=kafka-path&limit=1000&from=${Date.now() - 600_000}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { traces: { spanCount: number }[] };
    expect(body.traces).toHaveLength(1000);
    expect(body.traces.filter((t) => t.spanCount !== 5)).toEqual([]);
  });

  it('answers 503 with Retry-After while Kafka is down, and accepts again when it is back', async () => {
    const send = (i: number) =>
      fetch(`${receive.otlpUrl}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          resourceLogs: [
            {
              resource: {
                attributes: [{ key: 'service.name', value: { stringValue: 'kafka-outage' } }],
              },
              scopeLogs: [
                { logRecords: [{ timeUnixNano: nowNanos(), body: { stringValue: `line ${i}` } }] },
              ],
            },
          ],
        }),
      });
    await broker.setDown();
    const refused = await send(1);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await broker.setUp();
    const accepted = await until(
      () => send(2).then((r) => r.status),
      (status) => status === 200,
      30_000,
    );
    expect(accepted).toBe(200);
    const rows = await until(
      async () => {
        const rs = await ingest.store!.reader.query({
          query:
            "SELECT Body FROM sightline.otel_logs WHERE ServiceName = 'kafka-outage' ORDER BY Body",
          format: 'JSONEachRow',
        });
        return rs.json<{ Body: string }>();
      },
      (r) => r.length >= 1,
    );
    // The refused request was not stored behind the client's back.
    expect(rows.map((r) => r.Body)).toEqual(['line 2']);
  });
});

describe('distributed self-metrics', () => {
  it('shows Kafka produce times on receive and consumer lag and rows on ingest', async () => {
    const receiveText = await (await fetch(`${receive.otlpUrl}/metrics`)).text();
    expect(receiveText).toMatch(
      /^sightline_kafka_produce_seconds_count\{signal="traces",outcome="acknowledged"\} [1-9]/m,
    );
    expect(receiveText).toMatch(
      /^sightline_kafka_produce_seconds_count\{signal="logs",outcome="refused"\} [1-9]/m,
    );
    const ingestText = await (await fetch(`${ingest.apiUrl}/metrics`)).text();
    expect(ingestText).toMatch(/^sightline_ingest_rows_total [1-9]/m);
    expect(ingestText).toMatch(
      /^sightline_kafka_consumer_lag\{topic="otlp_spans",partition="\d+"\} 0$/m,
    );
  });
});

describe('role checks', () => {
  it('refuses receive or ingest alone without Kafka, naming the setting', () => {
    expect(() => checkRoles(testConfig({ SIGHTLINE_ROLES: 'receive' }))).toThrow(
      'receive without ingest in the same process needs Kafka (set SIGHTLINE_KAFKA_BROKERS)',
    );
    expect(() => checkRoles(testConfig({ SIGHTLINE_ROLES: 'ingest,query' }))).toThrow(
      'ingest without receive in the same process reads from Kafka',
    );
    expect(() => testConfig({ SIGHTLINE_ROLES: 'receive,store' })).toThrow(
      "SIGHTLINE_ROLES: expected a comma-separated list of receive, ingest, query, alerting (or all), got 'receive,store'",
    );
    expect(() => testConfig({ SIGHTLINE_KAFKA_BROKERS: 'kafka' })).toThrow(
      "SIGHTLINE_KAFKA_BROKERS: expected comma-separated host:port Kafka brokers, got 'kafka'",
    );
    expect(() => checkRoles(testConfig({ SIGHTLINE_ROLES: 'query' }))).not.toThrow();
  });
});
