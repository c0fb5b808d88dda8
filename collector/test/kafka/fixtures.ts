import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { onTestFinished } from 'vitest';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { migrate } from '@sightline/store/migrate';
import { REQUEST_TYPES } from '../../src/otlp/proto.ts';
import { startMockBroker, type MockBroker } from '../kafka-mock/mock-broker.ts';

/** Shared by the Kafka integration tests: generated OTLP requests, a broker, a store. */

export const TOPICS = { otlp_spans: 16, otlp_logs: 8, otlp_metrics: 4, sightline_dead_letter: 1 };

export async function brokerFor(topics: Record<string, number> = TOPICS): Promise<MockBroker> {
  const broker = await startMockBroker({ topics });
  onTestFinished(() => broker.stop());
  return broker;
}

export const kafkaFor = (broker: MockBroker, config: Partial<KafkaConfig> = {}): Kafka =>
  new Kafka({
    clientId: 'sightline-test',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    ...config,
  });

export { MOCK_CONSUMER } from '../kafka-mock/mock-consumer.ts';

let store: StoreClients | undefined;

/** One embedded store per test file (one chDB folder per process); a fresh database per call. */
export async function storeWithDatabase(database: string): Promise<StoreClients> {
  store ??= createStoreClients({
    dataDir: mkdtempSync(join(tmpdir(), 'sl-kafka-')),
    database: 'sightline',
  });
  await migrate(store.writer, database, { tracesDays: 7, logsDays: 7, metricsDays: 30 });
  return store;
}

export async function closeStore(): Promise<void> {
  await store?.close();
  store = undefined;
}

export async function one<T>(s: StoreClients, query: string): Promise<T> {
  const rs = await s.reader.query({ query, format: 'JSONEachRow' });
  const [row] = await rs.json<T>();
  return row!;
}

/** count() and uniqExact of the id of every stored item, per signal. */
export async function storedCounts(
  s: StoreClients,
  db: string,
): Promise<{ spans: [number, number]; logs: [number, number]; points: [number, number] }> {
  const pair = async (q: string): Promise<[number, number]> => {
    const r = await one<{ n: string; u: string }>(s, q);
    return [Number(r.n), Number(r.u)];
  };
  return {
    spans: await pair(`SELECT count() AS n, uniqExact(SpanId) AS u FROM ${db}.otel_traces`),
    logs: await pair(
      `SELECT count() AS n, uniqExact(LogAttributes['seq']) AS u FROM ${db}.otel_logs`,
    ),
    points: await pair(
      `SELECT count() AS n, uniqExact(Attributes['seq']) AS u FROM ${db}.otel_metrics_gauge`,
    ),
  };
}

const nowNanos = (): bigint => BigInt(Date.now()) * 1_000_000n;
const hex = (n: number, bytes: number): string =>
  (n + 1)
    .toString(16)
    .padStart(bytes * 2, '0')
    .replace(/^0/, 'a');
export const traceIdHex = (n: number): string => hex(n, 16);
export const spanIdHex = (n: number): string => hex(n, 8);
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });

/**
 * `traces` traces of `spansPerTrace` spans, ids numbered from `base`, spread over two resources
 * (services) and interleaved, as an SDK batching several requests would send them.
 */
export function tracesObject(traces: number, spansPerTrace: number, base: number): object {
  const t0 = nowNanos();
  const resources = [0, 1].map((r) => ({
    resource: { attributes: [str('service.name', `svc-${r}`)] },
    scopeSpans: [{ scope: { name: 'test', version: '1' }, spans: [] as object[] }],
  }));
  for (let i = 0; i < spansPerTrace; i++) {
    for (let t = 0; t < traces; t++) {
      const n = (base + t) * spansPerTrace + i;
      resources[i % 2]!.scopeSpans[0]!.spans.push({
        traceId: Buffer.from(traceIdHex(base + t), 'hex'),
        spanId: Buffer.from(spanIdHex(n), 'hex'),
        name: `op-${i}`,
        kind: 2,
        startTimeUnixNano: String(t0 + BigInt(n)),
        endTimeUnixNano: String(t0 + BigInt(n) + 1_500_000n),
        attributes: [str('seq', String(n))],
        status: { code: 1 },
      });
    }
  }
  return { resourceSpans: resources };
}

export const tracesMessage = (traces: number, spansPerTrace: number, base: number): object =>
  REQUEST_TYPES.traces.fromObject(tracesObject(traces, spansPerTrace, base));

export function logsMessage(count: number, base: number): object {
  const t0 = nowNanos();
  const logRecords = Array.from({ length: count }, (_, i) => ({
    timeUnixNano: String(t0 + BigInt(i)),
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: `log line ${base + i}` },
    attributes: [str('seq', String(base + i))],
  }));
  return REQUEST_TYPES.logs.fromObject({
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'svc-logs')] },
        scopeLogs: [{ scope: { name: 'test' }, logRecords }],
      },
    ],
  });
}

export function metricsMessage(points: number, base: number): object {
  const t0 = nowNanos();
  const dataPoints = Array.from({ length: points }, (_, i) => ({
    timeUnixNano: String(t0 + BigInt(i)),
    asDouble: i / 2,
    attributes: [str('seq', String(base + i))],
  }));
  return REQUEST_TYPES.metrics.fromObject({
    resourceMetrics: [
      {
        resource: { attributes: [str('service.name', 'svc-metrics')] },
        scopeMetrics: [
          { scope: { name: 'test' }, metrics: [{ name: 'test.gauge', gauge: { dataPoints } }] },
        ],
      },
    ],
  });
}

export const encodeRequest = (signal: 'traces' | 'logs' | 'metrics', message: object): Buffer =>
  Buffer.from(REQUEST_TYPES[signal].encode(message).finish());
