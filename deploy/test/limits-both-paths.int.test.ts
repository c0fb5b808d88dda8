import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MOCK_CONSUMER,
  MOCK_PRODUCER_CLIENT,
} from '../../collector/test/kafka-mock/mock-consumer.ts';
import { startMockBroker, type MockBroker } from '../../collector/test/kafka-mock/mock-broker.ts';
import { startRoles, type RunningRoles } from '../src/start-roles.ts';
import { nowNanos, testConfig } from './harness.ts';

// The same limits, the same request, once through the in-process queue and once through Kafka:
// the stored rows must not depend on the mode. Both stores share one data folder (one process
// holds one folder) in two databases.
const TOPICS = { otlp_spans: 2, otlp_logs: 2, otlp_metrics: 1, sightline_dead_letter: 1 };
const LIMITS = { SIGHTLINE_MAX_ATTRIBUTE_LENGTH: '16', SIGHTLINE_MAX_ATTRIBUTES: '2' };
const logger = pino({ level: process.env.SIGHTLINE_TEST_LOG ?? 'silent' });
const dataDir = mkdtempSync(join(tmpdir(), 'sl-limits-'));
let broker: MockBroker;
let inProcess: RunningRoles;
let receive: RunningRoles;
let ingest: RunningRoles;

beforeAll(async () => {
  broker = await startMockBroker({ topics: TOPICS });
  const common = { ...LIMITS, SIGHTLINE_DATA_DIR: dataDir };
  const kafkaEnv = { ...common, SIGHTLINE_KAFKA_BROKERS: broker.brokers.join(',') };
  inProcess = await startRoles(
    testConfig({
      ...common,
      SIGHTLINE_ROLES: 'receive,ingest',
      SIGHTLINE_CLICKHOUSE_DATABASE: 'inproc',
    }),
    logger,
  );
  ingest = await startRoles(
    testConfig({
      ...kafkaEnv,
      SIGHTLINE_ROLES: 'ingest',
      SIGHTLINE_CLICKHOUSE_DATABASE: 'viakafka',
    }),
    logger,
    { kafkaClient: { logLevel: logLevel.NOTHING }, consumer: MOCK_CONSUMER },
  );
  receive = await startRoles(testConfig({ ...kafkaEnv, SIGHTLINE_ROLES: 'receive' }), logger, {
    kafkaClient: MOCK_PRODUCER_CLIENT,
  });
}, 60_000);

afterAll(async () => {
  await receive?.close();
  await ingest?.close();
  await inProcess?.close();
  await broker?.stop();
});

const long = 'ü'.repeat(40);
const attrs = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: { stringValue: `${i}-${long}` } }));
const now = nowNanos();
const traces = {
  resourceSpans: [
    {
      resource: {
        attributes: [{ key: 'service.name', value: { stringValue: 'limits' } }, ...attrs(4)],
      },
      scopeSpans: [
        {
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              name: `span-${long}`,
              kind: 2,
              startTimeUnixNano: now,
              endTimeUnixNano: now,
              attributes: attrs(5),
              events: [{ timeUnixNano: now, name: 'e', attributes: attrs(3) }],
              status: { code: 2, message: `failed ${long}` },
            },
          ],
        },
      ],
    },
  ],
};
const logs = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'limits' } }] },
      scopeLogs: [
        { logRecords: [{ timeUnixNano: now, body: { stringValue: long }, attributes: attrs(6) }] },
      ],
    },
  ],
};

async function post(url: string, signal: string, body: object): Promise<number> {
  const res = await fetch(`${url}/v1/${signal}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.status;
}

async function stored(s: RunningRoles, database: string) {
  const read = async (query: string) => {
    const rs = await s.store!.reader.query({ query, format: 'JSONEachRow' });
    return rs.json<Record<string, unknown>>();
  };
  return {
    spans: await read(
      `SELECT SpanName, ResourceAttributes, SpanAttributes, StatusMessage, Events.Attributes AS ev
       FROM ${database}.otel_traces WHERE ServiceName = 'limits'`,
    ),
    logs: await read(
      `SELECT Body, LogAttributes FROM ${database}.otel_logs WHERE ServiceName = 'limits'`,
    ),
  };
}

describe('attribute limits in both modes', () => {
  it('stores the same truncated request through the in-process queue and through Kafka', async () => {
    for (const url of [inProcess.otlpUrl!, receive.otlpUrl!]) {
      expect(await post(url, 'traces', traces)).toBe(200);
      expect(await post(url, 'logs', logs)).toBe(200);
    }
    const direct = await stored(inProcess, 'inproc');
    // The Kafka path stores asynchronously: wait for both rows to arrive.
    let viaKafka = await stored(ingest, 'viakafka');
    const deadline = Date.now() + 60_000;
    while (viaKafka.spans.length + viaKafka.logs.length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      viaKafka = await stored(ingest, 'viakafka');
    }
    expect(direct.spans).toHaveLength(1);
    expect(direct.logs).toHaveLength(1);
    // The limits did act: 2 attributes kept per item, values cut after 16 characters.
    const span = direct.spans[0]!;
    const kept = Object.keys(span.SpanAttributes as object).filter((k) => /^k\d$/.test(k));
    expect(kept.sort()).toEqual(['k0', 'k1']);
    expect(String(span.SpanName).startsWith(`span-${'ü'.repeat(11)}`)).toBe(true);
    expect(String(span.SpanName).length).toBeLessThan(40);
    expect(viaKafka).toEqual(direct);
  }, 120_000);
});
