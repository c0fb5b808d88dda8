import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SightlineError } from '@sightline/model/errors';
import type { RowBatch } from '@sightline/model/rows';
import { toProtoMessage } from '../kafka/proto-messages.ts';
import { REQUEST_TYPES } from '../otlp/proto.ts';
import { DEFAULT_LIMITS } from '../otlp/values.ts';
import { ListOfSpans } from '../zipkin/zipkin-proto.ts';
import { buildReceiveApp } from './app.ts';
import { toRows } from './to-rows.ts';

const submitted: { request: unknown; rows: RowBatch }[] = [];
let refuse: SightlineError | undefined;
const app = buildReceiveApp({
  sink: {
    submit: (signal, request, rows) => {
      if (refuse) return Promise.reject(refuse);
      expect(signal).toBe('traces');
      submitted.push({ request, rows });
      return Promise.resolve();
    },
  },
  bodyLimitBytes: 1 << 20,
  limits: DEFAULT_LIMITS,
});
afterAll(() => app.close());

const T = Date.now() * 1000;
const span = (id: string, extra: object = {}) => ({
  traceId: 'f'.repeat(32),
  id,
  name: 'op',
  timestamp: T,
  duration: 10,
  localEndpoint: { serviceName: 'svc' },
  ...extra,
});
const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/api/v2/spans',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

describe('POST /api/v2/spans', () => {
  it('stores JSON spans (gzip too) and answers 202; the request encodes for Kafka', async () => {
    submitted.length = 0;
    const res = await post(gzipSync(JSON.stringify([span('0000000000000001')])), {
      'content-encoding': 'gzip',
    });
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('');
    expect(submitted[0]?.rows.spans.map((s) => s.SpanId)).toEqual(['0000000000000001']);
    // Kafka mode publishes the request as OTLP protobuf and ingest maps it again: same rows.
    const type = REQUEST_TYPES.traces;
    const wire = type.encode(toProtoMessage('traces', submitted[0]?.request)).finish();
    expect(toRows('traces', type.decode(wire), DEFAULT_LIMITS).batch).toEqual(submitted[0]?.rows);
  });

  it('stores protobuf spans', async () => {
    submitted.length = 0;
    const body = ListOfSpans.encode(
      ListOfSpans.fromObject({
        spans: [
          {
            traceId: Buffer.from('e'.repeat(32), 'hex'),
            id: Buffer.from('0000000000000002', 'hex'),
            timestamp: String(T),
            duration: '5',
            localEndpoint: { serviceName: 'p' },
          },
        ],
      }),
    ).finish();
    const res = await post(Buffer.from(body), { 'content-type': 'application/x-protobuf' });
    expect(res.statusCode).toBe(202);
    expect(submitted[0]?.rows.spans[0]).toMatchObject({ ServiceName: 'p', Duration: '5000' });
  });

  it('stores the good spans and answers 400 naming the first bad field', async () => {
    submitted.length = 0;
    const res = await post(
      JSON.stringify([
        span('0000000000000003'),
        span('0000000000000004'),
        span('0000000000000005', { traceId: 'xyz' }),
      ]),
    );
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('spans[2].traceId: expected 16 or 32 hex characters');
    expect(res.body).toContain('the other 2 spans were stored');
    expect(submitted[0]?.rows.spans).toHaveLength(2);
  });

  it('answers 400 for a malformed body and 415 for an unknown content type, storing nothing', async () => {
    submitted.length = 0;
    const bad = await post('[{"traceId":');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/^the body is not valid JSON/);
    const all = await post(JSON.stringify([span('zz')]));
    expect(all.statusCode).toBe(400);
    expect(all.body).toContain('spans[0].id: expected 16 hex characters');
    const thrift = await post('x', { 'content-type': 'application/x-thrift' });
    expect(thrift.statusCode).toBe(415);
    expect(submitted).toEqual([]);
  });

  it('passes the sink refusal on with Retry-After', async () => {
    refuse = new SightlineError('SL_ERR_BUSY', 503, 'the store is unavailable', 7);
    try {
      const res = await post(JSON.stringify([span('0000000000000006')]));
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('7');
    } finally {
      refuse = undefined;
    }
  });
});

describe('with API keys on', () => {
  it('the Zipkin and remote-write routes need an ingest key like the OTLP ones', async () => {
    const scopes: string[] = [];
    const guarded = buildReceiveApp({
      sink: { submit: () => Promise.resolve() },
      bodyLimitBytes: 1 << 20,
      limits: DEFAULT_LIMITS,
      authenticate: (headers, scope) => {
        scopes.push(scope);
        if (headers.authorization === 'Bearer good') return Promise.resolve();
        return Promise.reject(new SightlineError('SL_ERR_UNAUTHENTICATED', 401, 'no API key'));
      },
    });
    try {
      const zipkin = await guarded.inject({ method: 'POST', url: '/api/v2/spans', body: '[]' });
      expect([zipkin.statusCode, zipkin.body]).toEqual([401, 'no API key']);
      const prom = await guarded.inject({ method: 'POST', url: '/api/v1/write', body: 'x' });
      expect(prom.statusCode).toBe(401);
      const ok = await guarded.inject({
        method: 'POST',
        url: '/api/v2/spans',
        headers: { authorization: 'Bearer good', 'content-type': 'application/json' },
        body: '[]',
      });
      expect(ok.statusCode).toBe(202);
      expect(new Set(scopes)).toEqual(new Set(['ingest']));
    } finally {
      await guarded.close();
    }
  });
});
