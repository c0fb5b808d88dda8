import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_TYPES } from '@sightline/collector/otlp/proto';
import type { RunningSightline } from '../src/all-in-one.ts';
import { nowNanos, select, startTestSightline } from './harness.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

let seq = 0;
const spanJson = (extra: Record<string, unknown> = {}) => ({
  traceId: (++seq).toString(16).padStart(32, 'a'),
  spanId: seq.toString(16).padStart(16, 'b'),
  name: 'op',
  startTimeUnixNano: nowNanos(-5),
  endTimeUnixNano: nowNanos(),
  ...extra,
});

const request = (service: string, spans: unknown[]) => ({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{ spans }],
    },
  ],
});

const post = (body: string | Uint8Array, headers: Record<string, string>, path = '/v1/traces') =>
  fetch(`${s.otlpUrl}${path}`, { method: 'POST', headers, body });

const json = { 'content-type': 'application/json' };
const proto = { 'content-type': 'application/x-protobuf' };

async function countSpans(service: string): Promise<number> {
  const [r] = await select<{ c: string }>(
    s,
    'SELECT count() AS c FROM sightline.otel_traces WHERE ServiceName = {s:String}',
    { s: service },
  );
  return Number(r?.c);
}

describe('bad input', () => {
  it('gets the right 4xx with a message naming what is wrong, while valid requests alongside are stored', async () => {
    const valid = Array.from({ length: 20 }, () => spanJson());
    const goodProto = Buffer.from(
      REQUEST_TYPES.traces
        .encode(
          REQUEST_TYPES.traces.fromObject({
            resourceSpans: [
              {
                resource: {
                  attributes: [{ key: 'service.name', value: { stringValue: 'valid' } }],
                },
                scopeSpans: [
                  {
                    spans: [
                      {
                        traceId: Buffer.alloc(16, 7),
                        spanId: Buffer.alloc(8, 7),
                        name: 'p',
                        startTimeUnixNano: nowNanos(-1),
                        endTimeUnixNano: nowNanos(),
                      },
                    ],
                  },
                ],
              },
            ],
          }),
        )
        .finish(),
    );
    const hugeAttr = {
      attributes: [{ key: 'big', value: { stringValue: 'x'.repeat(10 * 1024 * 1024) } }],
    };
    const cases: [string, () => Promise<Response>, number, RegExp][] = [
      [
        'truncated protobuf',
        () => post(goodProto.subarray(0, goodProto.length - 7), proto),
        400,
        /not a valid protobuf ExportTraceServiceRequest/,
      ],
      ['invalid JSON', () => post('{"resourceSpans": [', json), 400, /not valid OTLP\/JSON/],
      ['JSON that is not an object', () => post('[1,2]', json), 400, /must be a JSON object/],
      [
        'resourceSpans of the wrong type',
        () => post(JSON.stringify({ resourceSpans: 'nope' }), json),
        400,
        /resourceSpans: expected an array/,
      ],
      [
        'a trace id of the wrong type',
        () => post(JSON.stringify(request('bad', [spanJson({ traceId: 123 })])), json),
        400,
        /spans\[0\]\.traceId: expected a hex string/,
      ],
      [
        'a timestamp that is not a number',
        () => post(JSON.stringify(request('bad', [spanJson({ startTimeUnixNano: 'soon' })])), json),
        400,
        /startTimeUnixNano: expected an unsigned 64-bit integer/,
      ],
      [
        'a 10 MB attribute',
        () => post(JSON.stringify(request('bad', [spanJson(hugeAttr)])), json),
        413,
        /exceeds the limit/,
      ],
      [
        'an unknown content type',
        () => post('hello', { 'content-type': 'text/plain' }),
        415,
        /unsupported content type 'text\/plain'/,
      ],
      ['no content type', () => post('hello', {}), 415, /unsupported content type/],
      [
        'a gzip bomb',
        () =>
          post(gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)), {
            ...json,
            'content-encoding': 'gzip',
          }),
        413,
        /decompressed body exceeds/,
      ],
      [
        'corrupt gzip',
        () => post(Buffer.from('not gzip at all'), { ...json, 'content-encoding': 'gzip' }),
        400,
        /not valid gzip/,
      ],
      [
        'an unknown encoding',
        () => post('{}', { ...json, 'content-encoding': 'br' }),
        415,
        /unsupported content encoding 'br'/,
      ],
    ];
    const results = await Promise.all([
      ...cases.map(async ([name, send, status, message]) => {
        const res = await send();
        const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
        return {
          name,
          status: res.status,
          expected: status,
          ok: message.test(text),
          text: text.slice(0, 200),
        };
      }),
      post(JSON.stringify(request('valid', valid)), json).then((r) => ({
        name: 'valid json',
        status: r.status,
        expected: 200,
        ok: true,
        text: '',
      })),
      post(goodProto, proto).then((r) => ({
        name: 'valid protobuf',
        status: r.status,
        expected: 200,
        ok: true,
        text: '',
      })),
      post(gzipSync(JSON.stringify(request('valid', [spanJson()]))), {
        ...json,
        'content-encoding': 'gzip',
      }).then((r) => ({ name: 'valid gzip', status: r.status, expected: 200, ok: true, text: '' })),
    ]);
    for (const r of results) {
      expect({ name: r.name, status: r.status, message: r.ok ? 'matches' : r.text }).toEqual({
        name: r.name,
        status: r.expected,
        message: 'matches',
      });
    }
    expect(await countSpans('valid')).toBe(22);
    expect(await countSpans('bad')).toBe(0);
  });

  it('stores the good spans of a mixed request and reports the rest as partial success', async () => {
    const res = await post(
      JSON.stringify(request('mixed', [spanJson(), spanJson({ spanId: 'xyz' }), spanJson()])),
      json,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      partialSuccess: { rejectedSpans: string; errorMessage: string };
    };
    expect(body.partialSuccess.rejectedSpans).toBe('1');
    expect(body.partialSuccess.errorMessage).toMatch(
      /spans\[1\]\.spanId: expected 16 hex characters/,
    );
    expect(await countSpans('mixed')).toBe(2);
  });

  it('refuses a span from the year 2200 as partial success and stores its neighbour', async () => {
    const year2200 = `${BigInt(Date.UTC(2200, 0, 1)) * 1_000_000n}`;
    const res = await post(
      JSON.stringify(
        request('far-future', [
          spanJson(),
          spanJson({ startTimeUnixNano: year2200, endTimeUnixNano: year2200 }),
        ]),
      ),
      json,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      partialSuccess: { rejectedSpans: string; errorMessage: string };
    };
    expect(body.partialSuccess.rejectedSpans).toBe('1');
    expect(body.partialSuccess.errorMessage).toMatch(
      /spans\[1\]\.startTimeUnixNano: 2200-01-01T00:00:00\.000Z is outside the accepted time window, from .* \(the 7-day traces retention\) to .* \(60 min ahead of this server's clock\)/,
    );
    expect(await countSpans('far-future')).toBe(1);
  });

  it('truncates an over-long attribute with a marker instead of rejecting the span', async () => {
    const long = 'y'.repeat(100_000);
    const res = await post(
      JSON.stringify(
        request('long', [spanJson({ attributes: [{ key: 'sql', value: { stringValue: long } }] })]),
      ),
      json,
    );
    expect(res.status).toBe(200);
    const [row] = await select<{ v: string }>(
      s,
      "SELECT SpanAttributes['sql'] AS v FROM sightline.otel_traces WHERE ServiceName = 'long'",
    );
    expect(row!.v).toBe('y'.repeat(32_768) + '…[truncated]');
  });

  it('answers protobuf errors as a protobuf google.rpc.Status', async () => {
    const res = await post(Buffer.from([0x0a, 0xff]), proto);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const bytes = Buffer.from(await res.arrayBuffer());
    // field 1 (code) = 3 INVALID_ARGUMENT, then field 2 (message)
    expect([...bytes.subarray(0, 3)]).toEqual([0x08, 0x03, 0x12]);
    expect(bytes.toString('utf8')).toMatch(/not a valid protobuf/);
  });
});
