import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toProtoMessage } from '@sightline/collector/kafka/proto-messages';
import { OTLP_PROTO_RELEASE, REQUEST_TYPES, RESPONSE_TYPES } from '@sightline/collector/otlp/proto';
import type { RunningSightline } from '../src/all-in-one.ts';
import { select, startTestSightline } from './harness.ts';
import {
  LOGS_READBACK,
  TRACES_READBACK,
  type Readback,
  type Where,
} from './otlp-schema-readback.ts';
import { METRIC_TABLES, METRICS_READBACK } from './otlp-schema-readback-metrics.ts';
import { logsSample, metricsSample, tracesSample } from './otlp-schema-samples.ts';
import {
  ANY_VALUE,
  isDefault,
  KEY_VALUE,
  leaves,
  normalise,
  protoType,
  signalLeaves,
  valuesAt,
} from './otlp-schema-walk.ts';

/**
 * Walks the protobuf descriptors of the three export requests of the opentelemetry-proto release
 * Sightline decodes, and proves that every field the store keeps survives protobuf → store → API,
 * and OTLP/JSON → store → API, with the value it was sent.
 */
let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

type Signal = 'logs' | 'traces' | 'metrics';
type Sample = (service: string, t: bigint, traceId: string) => object;

const SIGNALS: Record<
  Signal,
  { request: string; readback: Record<string, Where>; sample: Sample }
> = {
  logs: {
    request: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
    readback: LOGS_READBACK,
    sample: logsSample,
  },
  traces: {
    request: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
    readback: TRACES_READBACK,
    sample: tracesSample,
  },
  metrics: {
    request: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
    readback: METRICS_READBACK,
    sample: metricsSample,
  },
};

async function post(signal: Signal, encoding: 'protobuf' | 'json', body: object): Promise<void> {
  const proto = encoding === 'protobuf';
  const res = await fetch(`${s.otlpUrl}/v1/${signal}`, {
    method: 'POST',
    headers: { 'content-type': proto ? 'application/x-protobuf' : 'application/json' },
    body: proto
      ? REQUEST_TYPES[signal].encode(toProtoMessage(signal, body)).finish()
      : JSON.stringify(body),
  });
  const answer = proto
    ? RESPONSE_TYPES[signal].toObject(
        RESPONSE_TYPES[signal].decode(new Uint8Array(await res.arrayBuffer())) as object,
      )
    : ((await res.json()) as object);
  expect({ status: res.status, answer }).toEqual({ status: 200, answer: {} });
}

const row = <T>(rows: T[]): T => {
  expect(rows).toHaveLength(1);
  return rows[0]!;
};

async function apiGet(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${s.apiUrl}/api/v1${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function readBack(
  signal: Signal,
  service: string,
  t: bigint,
  traceId: string,
): Promise<Readback> {
  const where = { svc: service };
  if (signal === 'logs') {
    const ms = Number(t / 1_000_000n);
    const q = encodeURIComponent(`service:"${service}"`);
    const page = await apiGet(`/logs?q=${q}&from=${ms - 1000}&to=${ms + 1000}`);
    const store = await select<Record<string, unknown>>(
      s,
      'SELECT * FROM sightline.otel_logs WHERE ServiceName = {svc:String}',
      where,
    );
    return { api: row(page.rows as Record<string, unknown>[]), store: { otel_logs: store } };
  }
  if (signal === 'traces') {
    const trace = await apiGet(`/traces/${traceId}`);
    return { api: row(trace.spans as Record<string, unknown>[]), store: {} };
  }
  const store: Record<string, Record<string, unknown>[]> = {};
  for (const table of Object.values(METRIC_TABLES)) {
    const exemplarTimes =
      table === METRIC_TABLES.summary
        ? ''
        : ', arrayMap(x -> toString(toUnixTimestamp64Nano(x)), Exemplars.TimeUnix) AS et';
    store[table] = await select(
      s,
      `SELECT *, toString(toUnixTimestamp64Nano(TimeUnix)) AS t,
         toString(toUnixTimestamp64Nano(StartTimeUnix)) AS st${exemplarTimes}
       FROM sightline.${table} WHERE ServiceName = {svc:String} ORDER BY TimeUnix`,
      where,
    );
  }
  return { api: {}, store };
}

describe(`the export requests of opentelemetry-proto ${OTLP_PROTO_RELEASE}`, () => {
  it.each(Object.keys(SIGNALS) as Signal[])(
    '%s: every leaf field is mapped to where it comes back, or says why it is not stored',
    (signal) => {
      const { request, readback } = SIGNALS[signal];
      const paths = signalLeaves(request).map((l) => l.path);
      expect(Object.keys(readback).sort()).toEqual([...paths].sort());
    },
  );

  describe.each(['protobuf', 'json'] as const)('sent as %s', (encoding) => {
    it.each(Object.keys(SIGNALS) as Signal[])(
      '%s: every stored field comes back as sent',
      async (signal) => {
        const { request, readback, sample } = SIGNALS[signal];
        const service = `schema-${signal}-${encoding}`;
        const t = BigInt(Date.now() - 120_000) * 1_000_000n + 123_456n;
        const traceId = randomBytes(16).toString('hex');
        const body = sample(service, t, traceId);
        await post(signal, encoding, body);
        const back = await readBack(signal, service, t, traceId);
        let checked = 0;
        for (const leaf of signalLeaves(request)) {
          const where = readback[leaf.path]!;
          if ('unstored' in where) continue;
          const sent = valuesAt(body, leaf.path).map((v) => normalise(leaf.field, v));
          expect(
            sent.some((v) => !isDefault(v)),
            `the sample sets ${leaf.path}`,
          ).toBe(true);
          const got = 'api' in where ? where.api(back.api) : where.store(back.store);
          expect(got, leaf.path).toEqual(sent);
          checked++;
        }
        expect(checked).toBeGreaterThan(10);
      },
    );
  });
});

/** Every AnyValue member, as the attribute value Sightline stores (the OTel exporter's text). */
const ANY_VALUES: Record<string, { value: object; stored: string } | { unstored: string }> = {
  stringValue: { value: { stringValue: 'grüße ✓' }, stored: 'grüße ✓' },
  boolValue: { value: { boolValue: false }, stored: 'false' },
  intValue: { value: { intValue: '-9223372036854775808' }, stored: '-9223372036854775808' },
  doubleValue: { value: { doubleValue: 0 }, stored: '0' },
  'arrayValue.values': {
    value: { arrayValue: { values: [{ intValue: '0' }, { stringValue: '' }] } },
    stored: '[0,""]',
  },
  'kvlistValue.values': {
    value: { kvlistValue: { values: [{ key: 'é', value: { doubleValue: 1.5 } }] } },
    stored: '{"é":1.5}',
  },
  bytesValue: { value: { bytesValue: Buffer.from([0, 255]).toString('base64') }, stored: 'AP8=' },
  stringValueStrindex: { unstored: 'a Profiles dictionary reference; other signals ignore it' },
};

describe('AnyValue and KeyValue', () => {
  it('every AnyValue member is mapped, and KeyValue stores key and value', () => {
    const stop = new Set([ANY_VALUE, KEY_VALUE]);
    expect(leaves(protoType(ANY_VALUE), stop).map((l) => l.path)).toEqual(Object.keys(ANY_VALUES));
    // keyStrindex, like stringValueStrindex, refers to the Profiles string table.
    expect(leaves(protoType(KEY_VALUE), stop).map((l) => l.path)).toEqual([
      'key',
      'value',
      'keyStrindex',
    ]);
  });

  it.each(['protobuf', 'json'] as const)(
    'each member comes back as the stored attribute text (%s)',
    async (encoding) => {
      const service = `schema-anyvalue-${encoding}`;
      const t = BigInt(Date.now() - 60_000) * 1_000_000n;
      const stored = Object.entries(ANY_VALUES).flatMap(([k, v]) =>
        'stored' in v ? [[k, v.value, v.stored] as const] : [],
      );
      const body = logsSample(service, t, randomBytes(16).toString('hex'));
      const record = body.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
      (record as { attributes: unknown }).attributes = stored.map(([key, value]) => ({
        key,
        value,
      }));
      await post('logs', encoding, body);
      const back = await readBack('logs', service, t, '');
      expect(back.api.attributes).toEqual(Object.fromEntries(stored.map(([k, , v]) => [k, v])));
    },
  );
});
