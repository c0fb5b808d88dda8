import { gzipSync } from 'node:zlib';
import {
  Client,
  Metadata,
  credentials,
  status as GrpcStatus,
  type ServiceError,
} from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SightlineError } from '@sightline/model/errors';
import type { RowBatch } from '@sightline/model/rows';
import { REQUEST_TYPES, RESPONSE_TYPES, type Signal } from '../otlp/proto.ts';
import type { IngestSink } from '../ingest/sink.ts';
import { GRPC_SERVICES, startGrpcReceiver, type RunningGrpcReceiver } from './grpc-server.ts';
import { STATUS_DETAILS_KEY, decodeStatusDetails } from './grpc-status.ts';

const LIMITS = { maxValueLength: 1024, maxAttributes: 64, maxDepth: 16 };
const nowNanos = () => (BigInt(Date.now()) * 1_000_000n).toString();

function span(name: string, spanId: string) {
  const start = nowNanos();
  return {
    traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'),
    spanId: Buffer.from(spanId, 'hex'),
    name,
    kind: 2,
    startTimeUnixNano: start,
    endTimeUnixNano: (BigInt(start) + 1_500_000n).toString(),
  };
}

function traceRequest(spans: object[]): Buffer {
  const t = REQUEST_TYPES.traces;
  const msg = t.fromObject({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'grpc-unit' } }] },
        scopeSpans: [{ scope: { name: 'unit' }, spans }],
      },
    ],
  });
  return Buffer.from(t.encode(msg).finish());
}

class RecordingSink implements IngestSink {
  readonly batches: RowBatch[] = [];
  refuse: SightlineError | undefined;
  submit(_signal: Signal, _request: unknown, rows: RowBatch): Promise<void> {
    if (this.refuse) return Promise.reject(this.refuse);
    this.batches.push(rows);
    return Promise.resolve();
  }
}

let receiver: RunningGrpcReceiver | undefined;
const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await receiver?.close();
  receiver = undefined;
});

async function start(
  sink: IngestSink,
  extra: Partial<Parameters<typeof startGrpcReceiver>[0]> = {},
): Promise<RunningGrpcReceiver> {
  receiver = await startGrpcReceiver({
    host: '127.0.0.1',
    port: 0,
    sink,
    limits: LIMITS,
    maxMessageBytes: 64 * 1024,
    logger: pino({ level: 'silent' }),
    ...extra,
  });
  return receiver;
}

/** Sends raw bytes to a method, as any gRPC client would, and returns the raw answer. */
function call(
  r: RunningGrpcReceiver,
  signal: Signal,
  body: Buffer,
  opts: { metadata?: Metadata; gzip?: boolean } = {},
): Promise<{ response?: Buffer; error?: ServiceError }> {
  const client = new Client(
    `127.0.0.1:${r.port}`,
    credentials.createInsecure(),
    opts.gzip ? { 'grpc.default_compression_algorithm': 2 } : {},
  );
  clients.push(client);
  return new Promise((resolve) =>
    client.makeUnaryRequest(
      `/${GRPC_SERVICES[signal]}/Export`,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      opts.metadata ?? new Metadata(),
      (error, response) => resolve(error ? { error } : { response: response! }),
    ),
  );
}

describe('OTLP/gRPC receiver', () => {
  it('stores a gzip-compressed export and answers an empty ExportTraceServiceResponse', async () => {
    const sink = new RecordingSink();
    const r = await start(sink);
    const { response, error } = await call(
      r,
      'traces',
      traceRequest([span('GET /a', '00f067aa0ba902b7')]),
      {
        gzip: true,
      },
    );
    expect(error).toBeUndefined();
    expect(
      RESPONSE_TYPES.traces.toObject(RESPONSE_TYPES.traces.decode(response!) as object),
    ).toEqual({});
    expect(sink.batches.flatMap((b) => b.spans.map((s) => [s.SpanName, s.ServiceName]))).toEqual([
      ['GET /a', 'grpc-unit'],
    ]);
  });

  it('reports rejected spans as a partial success and stores the rest', async () => {
    const sink = new RecordingSink();
    const r = await start(sink);
    const bad = { ...span('bad', '00f067aa0ba902b8'), spanId: Buffer.alloc(8) };
    const { response } = await call(
      r,
      'traces',
      traceRequest([span('good', '00f067aa0ba902b9'), bad]),
    );
    const body = RESPONSE_TYPES.traces.toObject(RESPONSE_TYPES.traces.decode(response!) as object, {
      longs: Number,
    });
    expect(body).toEqual({
      partialSuccess: {
        rejectedSpans: 1,
        errorMessage: expect.stringContaining('spans[1].spanId: must be a non-zero id') as unknown,
      },
    });
    expect(sink.batches.flatMap((b) => b.spans.map((s) => s.SpanName))).toEqual(['good']);
  });

  it('answers INVALID_ARGUMENT naming the message for bytes that are not OTLP protobuf', async () => {
    const sink = new RecordingSink();
    const r = await start(sink);
    const { error } = await call(r, 'logs', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error?.details).toContain('not a valid protobuf ExportLogsServiceRequest');
    expect(sink.batches).toEqual([]);
  });

  it('answers INVALID_ARGUMENT in our words for a message nested 2,000 deep', async () => {
    const sink = new RecordingSink();
    const r = await start(sink);
    const { error } = await call(r, 'logs', deeplyNestedLogs(2_000));
    expect(error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error?.details).toBe(
      'the body is not a valid protobuf ExportLogsServiceRequest: maximum nesting depth exceeded',
    );
    expect(error?.details).not.toMatch(/call stack/i);
    expect(sink.batches).toEqual([]);
  });

  it('answers INVALID_ARGUMENT when every item is rejected', async () => {
    const sink = new RecordingSink();
    const r = await start(sink);
    const { error } = await call(
      r,
      'traces',
      traceRequest([{ ...span('x', '00f067aa0ba902b7'), traceId: Buffer.alloc(16) }]),
    );
    expect(error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error?.details).toContain('nothing could be stored');
  });

  it('refuses a message over the limit, even when it arrives gzip-compressed', async () => {
    const sink = new RecordingSink();
    const r = await start(sink, { maxMessageBytes: 4096 });
    const spans = Array.from({ length: 200 }, (_, i) =>
      span(`span-${i}`, (0x1000 + i).toString(16).padStart(16, '0')),
    );
    const body = traceRequest(spans);
    expect(gzipSync(body).length).toBeLessThan(4096);
    const { error } = await call(r, 'traces', body, { gzip: true });
    expect(error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(error?.metadata.get(STATUS_DETAILS_KEY)).toEqual([]);
    expect(sink.batches).toEqual([]);
  });

  it.each([
    [503, GrpcStatus.UNAVAILABLE, 7],
    [429, GrpcStatus.RESOURCE_EXHAUSTED, 2],
    [503, GrpcStatus.UNAVAILABLE, undefined],
  ] as const)(
    'turns a sink refusal %i into status %i with RetryInfo in the trailer',
    async (http, code, retryAfter) => {
      const sink = new RecordingSink();
      sink.refuse = new SightlineError('SL_ERR_BUSY', http, 'the queue is full', retryAfter);
      const r = await start(sink);
      const { error } = await call(r, 'traces', traceRequest([span('a', '00f067aa0ba902b7')]));
      expect(error?.code).toBe(code);
      expect(error?.details).toBe('the queue is full');
      const details = error?.metadata.get(STATUS_DETAILS_KEY);
      expect(details).toHaveLength(1);
      expect(decodeStatusDetails(details![0] as Buffer)).toEqual({
        code,
        message: 'the queue is full',
        retrySeconds: retryAfter ?? 1,
      });
    },
  );

  it('while stopping, finishes the call in flight and answers a new one UNAVAILABLE with RetryInfo', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const sink = new RecordingSink();
    const submit = sink.submit.bind(sink);
    let arrived!: () => void;
    const submitted = new Promise<void>((resolve) => (arrived = resolve));
    sink.submit = async (...args) => {
      arrived();
      await held;
      return submit(...args);
    };
    const r = await start(sink);
    const first = call(r, 'traces', traceRequest([span('first', '00f067aa0ba902b7')]));
    await submitted;
    const stopping = r.close();
    const { error } = await call(r, 'traces', traceRequest([span('late', '00f067aa0ba902b8')]));
    expect(error?.code).toBe(GrpcStatus.UNAVAILABLE);
    const details = error?.metadata.get(STATUS_DETAILS_KEY);
    expect(decodeStatusDetails(details![0] as Buffer)).toEqual({
      code: GrpcStatus.UNAVAILABLE,
      message: 'Sightline is stopping: nothing of this request was accepted; send it again',
      retrySeconds: 5,
    });
    release();
    expect((await first).error).toBeUndefined();
    await stopping;
    expect(sink.batches).toHaveLength(1);
  });

  it('limits calls per key with RESOURCE_EXHAUSTED and a retry delay; other keys go on', async () => {
    const sink = new RecordingSink();
    const r = await start(sink, {
      authenticate: (headers) => Promise.resolve({ id: headers['x-api-key'] }),
      rateLimitPerMinute: 2,
    });
    const as = (key: string) => {
      const metadata = new Metadata();
      metadata.set('x-api-key', key);
      return call(r, 'traces', traceRequest([span('a', '00f067aa0ba902b7')]), { metadata });
    };
    expect((await as('k1')).error).toBeUndefined();
    expect((await as('k1')).error).toBeUndefined();
    const refused = await as('k1');
    expect(refused.error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(refused.error?.details).toMatch(/^rate limit of 2 calls per minute exceeded/);
    const details = refused.error?.metadata.get(STATUS_DETAILS_KEY);
    expect(decodeStatusDetails(details![0] as Buffer).retrySeconds).toBeGreaterThanOrEqual(1);
    expect((await as('k2')).error).toBeUndefined();
    expect(sink.batches).toHaveLength(3);
  });

  it('authenticates from the metadata before decoding anything', async () => {
    const sink = new RecordingSink();
    const seen: Record<string, string | undefined>[] = [];
    const r = await start(sink, {
      authenticate: (headers) => {
        seen.push({ ...headers });
        const key = headers['x-api-key'];
        if (key === undefined)
          return Promise.reject(new SightlineError('SL_ERR_UNAUTHENTICATED', 401, 'no API key'));
        if (key !== 'ingest-key')
          return Promise.reject(
            new SightlineError('SL_ERR_FORBIDDEN', 403, 'this key may not ingest'),
          );
        return Promise.resolve();
      },
    });
    const garbage = Buffer.from('not protobuf at all');
    const none = await call(r, 'metrics', garbage);
    expect(none.error?.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(none.error?.details).toBe('no API key');

    const wrong = new Metadata();
    wrong.set('X-Api-Key', 'read-key');
    const denied = await call(r, 'metrics', garbage, { metadata: wrong });
    expect(denied.error?.code).toBe(GrpcStatus.PERMISSION_DENIED);

    const right = new Metadata();
    right.set('x-api-key', 'ingest-key');
    const ok = await call(r, 'traces', traceRequest([span('a', '00f067aa0ba902b7')]), {
      metadata: right,
    });
    expect(ok.error).toBeUndefined();
    expect(seen.map((h) => h['x-api-key'])).toEqual([undefined, 'read-key', 'ingest-key']);
    expect(sink.batches).toHaveLength(1);
  });

  it('answers UNIMPLEMENTED for a method OTLP does not define', async () => {
    const r = await start(new RecordingSink());
    const client = new Client(`127.0.0.1:${r.port}`, credentials.createInsecure());
    clients.push(client);
    const error = await new Promise<ServiceError | null>((resolve) =>
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        new Metadata(),
        (err) => resolve(err),
      ),
    );
    expect(error?.code).toBe(GrpcStatus.UNIMPLEMENTED);
  });
});

/** A log record whose body is an AnyValue array nested `depth` times, as raw protobuf. */
function deeplyNestedLogs(depth: number): Buffer {
  const varint = (n: number): Buffer => {
    const out: number[] = [];
    for (; n > 127; n >>>= 7) out.push((n & 127) | 128);
    out.push(n);
    return Buffer.from(out);
  };
  const field = (tag: number, b: Buffer) =>
    Buffer.concat([Buffer.from([tag]), varint(b.length), b]);
  let value = field(0x0a, Buffer.from('x')); // AnyValue.string_value
  // AnyValue.array_value (5) holding ArrayValue.values (1), from the inside out.
  for (let i = 0; i < depth; i++) value = field(0x2a, field(0x0a, value));
  // LogRecord.body (5) → ScopeLogs.log_records (2) → ResourceLogs.scope_logs (2) → resource_logs (1)
  return field(0x0a, field(0x12, field(0x12, field(0x2a, value))));
}
