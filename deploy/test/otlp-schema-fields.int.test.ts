import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toProtoMessage } from '@sightline/collector/kafka/proto-messages';
import { OTLP_PROTO_RELEASE, REQUEST_TYPES, RESPONSE_TYPES } from '@sightline/collector/otlp/proto';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline } from './harness.ts';
import { expectStoredAsSent, SIGNAL_SCHEMA, type Signal } from './otlp-readback-check.ts';
import { logsSample, metricsSample, tracesSample } from './otlp-schema-samples.ts';
import { ANY_VALUE, KEY_VALUE, leaves, protoType, signalLeaves } from './otlp-schema-walk.ts';

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

const SAMPLES: Record<Signal, (service: string, t: bigint, traceId: string) => object> = {
  logs: logsSample,
  traces: tracesSample,
  metrics: metricsSample,
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

describe(`the export requests of opentelemetry-proto ${OTLP_PROTO_RELEASE}`, () => {
  it.each(Object.keys(SAMPLES) as Signal[])(
    '%s: every leaf field is mapped to where it comes back, or says why it is not stored',
    (signal) => {
      const { request, readback } = SIGNAL_SCHEMA[signal];
      const paths = signalLeaves(request).map((l) => l.path);
      expect(Object.keys(readback).sort()).toEqual([...paths].sort());
    },
  );

  describe.each(['protobuf', 'json'] as const)('sent as %s', (encoding) => {
    it.each(Object.keys(SAMPLES) as Signal[])(
      '%s: every stored field comes back as sent',
      async (signal) => {
        const service = `schema-${signal}-${encoding}`;
        const t = BigInt(Date.now() - 120_000) * 1_000_000n + 123_456n;
        const traceId = randomBytes(16).toString('hex');
        const body = SAMPLES[signal](service, t, traceId);
        await post(signal, encoding, body);
        const checked = await expectStoredAsSent(s, signal, body, service, true);
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
      const page = (await (
        await fetch(
          `${s.apiUrl}/api/v1/logs?q=${encodeURIComponent(`service:"${service}"`)}&from=${Number(t / 1_000_000n)}&to=${Number(t / 1_000_000n) + 1}`,
        )
      ).json()) as { rows: { attributes: unknown }[] };
      expect(page.rows).toHaveLength(1);
      expect(page.rows[0]!.attributes).toEqual(
        Object.fromEntries(stored.map(([k, , v]) => [k, v])),
      );
    },
  );
});
