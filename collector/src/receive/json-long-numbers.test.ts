import { afterAll, describe, expect, it } from 'vitest';
import type { RowBatch } from '@sightline/model/rows';
import { DEFAULT_LIMITS } from '../otlp/values.ts';
import { buildReceiveApp } from './app.ts';
import { parseOtlpJson } from './decode-body.ts';

// OTLP/JSON lets a client write int64 fields as JSON numbers (the OpenTelemetry JavaScript
// exporter does so for integer attributes). Past 2^53, JSON.parse would round them; Sightline
// stores the digits that were sent.

const stored: RowBatch[] = [];
const app = buildReceiveApp({
  sink: { submit: (_s, _r, rows) => (stored.push(rows), Promise.resolve()) },
  bodyLimitBytes: 1 << 20,
  limits: DEFAULT_LIMITS,
});
afterAll(() => app.close());

describe('integers beyond 2^53 written as JSON numbers', () => {
  it('are stored with every digit, in attributes and in nanosecond times', async () => {
    const t = `${BigInt(Date.now()) * 1_000_000n + 123_457n}`;
    stored.length = 0;
    // Written by hand: JSON.stringify cannot produce these numbers.
    const body = `{"resourceLogs":[{"resource":{"attributes":[
      {"key":"service.name","value":{"stringValue":"digits"}}]},
      "scopeLogs":[{"logRecords":[{"timeUnixNano":${t},"body":{"stringValue":"über"},
      "attributes":[
        {"key":"max","value":{"intValue":9223372036854775807}},
        {"key":"min","value":{"intValue":-9223372036854775808}},
        {"key":"safe","value":{"intValue":9007199254740991}},
        {"key":"past","value":{"intValue":9007199254740993}},
        {"key":"js","value":{"intValue":-9223372036854776000}},
        {"key":"double","value":{"doubleValue":0.1}},
        {"key":"text","value":{"stringValue":"1234567890123456789"}}]}]}]}]}`;
    const r = await app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(r.json()).toEqual({});
    const row = stored[0]!.logs[0]!;
    expect(row.Timestamp).toBe(t);
    expect(row.LogAttributes).toEqual({
      max: '9223372036854775807',
      min: '-9223372036854775808',
      safe: '9007199254740991',
      past: '9007199254740993',
      js: '-9223372036854775808',
      double: '0.1',
      text: '1234567890123456789',
    });
  });

  it('leave bodies without long numbers to JSON.parse, and keep its error messages', () => {
    const text = '{"a":[1,2.5,"12345678901234567890"],"b":1e300}';
    expect(parseOtlpJson(text)).toEqual(JSON.parse(text));
    expect(parseOtlpJson('{"n":12345678901234567.5,"m":-1e21}')).toEqual({
      n: Number('12345678901234567.5'),
      m: -1e21,
    });
    expect(() => parseOtlpJson('{"n":12345678901234567890')).toThrow(/JSON/);
  });
});
