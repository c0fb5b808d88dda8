import { logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadyResponse } from '@sightline/model/api/ready';
import { MOCK_CONSUMER } from '../../collector/test/kafka-mock/mock-consumer.ts';
import { startMockBroker, type MockBroker } from '../../collector/test/kafka-mock/mock-broker.ts';
import { startRoles, type RunningRoles } from '../src/start-roles.ts';
import { testConfig } from './harness.ts';

// GET /ready is what Kubernetes routes traffic by: an ingest or receive pod whose Kafka is gone
// must say so (503) and recover on its own once Kafka is back.
const TOPICS = { otlp_spans: 2, otlp_logs: 1, otlp_metrics: 1, sightline_dead_letter: 1 };
const logger = pino({ level: process.env.SIGHTLINE_TEST_LOG ?? 'silent' });
const kafkaClient = {
  logLevel: logLevel.NOTHING,
  retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 200 },
  connectionTimeout: 300,
  requestTimeout: 1000,
};
let broker: MockBroker;
let ingest: RunningRoles;
let receive: RunningRoles;

beforeAll(async () => {
  broker = await startMockBroker({ topics: TOPICS });
  const kafkaEnv = { SIGHTLINE_KAFKA_BROKERS: broker.brokers.join(',') };
  ingest = await startRoles(testConfig({ ...kafkaEnv, SIGHTLINE_ROLES: 'ingest' }), logger, {
    kafkaClient,
    consumer: MOCK_CONSUMER,
  });
  receive = await startRoles(testConfig({ ...kafkaEnv, SIGHTLINE_ROLES: 'receive' }), logger, {
    kafkaClient,
  });
}, 60_000);

afterAll(async () => {
  await receive?.close();
  await ingest?.close();
  await broker?.stop();
});

async function ready(base: string): Promise<{ code: number; body: ReadyResponse }> {
  const res = await fetch(`${base}/ready`);
  return { code: res.status, body: (await res.json()) as ReadyResponse };
}

async function until(base: string, code: number, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await ready(base);
    if (r.code === code || Date.now() > deadline) return r;
    await new Promise((done) => setTimeout(done, 250));
  }
}

describe('GET /ready', () => {
  it('is ready when the store, Kafka and the consumer are (ingest) and when Kafka is (receive)', async () => {
    const i = await until(ingest.apiUrl!, 200);
    expect(i).toEqual({
      code: 200,
      body: {
        status: 'ready',
        checks: { store: { ok: true }, kafka: { ok: true }, consumer: { ok: true } },
      },
    });
    const r = await until(receive.otlpUrl!, 200);
    expect(r).toEqual({ code: 200, body: { status: 'ready', checks: { kafka: { ok: true } } } });
    // Liveness is separate: /health does not depend on Kafka.
    expect((await fetch(`${ingest.apiUrl}/health`)).status).toBe(200);
  });

  it('answers 503 naming Kafka while the broker is down, and recovers when it is back', async () => {
    await broker.setDown();
    try {
      const i = await until(ingest.apiUrl!, 503);
      expect(i.code).toBe(503);
      expect(i.body.status).toBe('not ready');
      expect(i.body.checks.kafka?.ok).toBe(false);
      expect(i.body.checks.kafka?.error).toEqual(expect.any(String));
      expect(i.body.checks.store).toEqual({ ok: true });
      const r = await until(receive.otlpUrl!, 503);
      expect(r.code).toBe(503);
      expect(r.body.checks.kafka?.ok).toBe(false);
      // Still alive: the orchestrator must not restart a pod because Kafka is away.
      expect((await fetch(`${receive.otlpUrl}/health`)).status).toBe(200);
    } finally {
      await broker.setUp();
    }
    expect((await until(ingest.apiUrl!, 200, 60_000)).code).toBe(200);
    expect((await until(receive.otlpUrl!, 200, 60_000)).code).toBe(200);
  }, 180_000);

  it('is not ready once the ingest consumer has stopped', async () => {
    await ingest.consumer!.stop();
    const i = await ready(ingest.apiUrl!);
    expect(i.code).toBe(503);
    expect(i.body.checks.consumer).toEqual({
      ok: false,
      error: 'the ingest consumer stopped or crashed',
    });
  }, 60_000);
});
