import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  Client,
  credentials,
  Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceError,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { REQUEST_TYPES, type Signal } from '@sightline/collector/otlp/proto';
import { exportMethod } from '@sightline/collector/receive/grpc-server';
import type { RunningSightline } from '../src/all-in-one.ts';

/**
 * A recording proxy between a real OTLP exporter and Sightline: it keeps each export request as
 * the exporter put it on the wire (OTLP/HTTP protobuf or JSON, or OTLP/gRPC), decoded into the
 * OTLP/JSON form the schema walk reads, and passes the bytes on unchanged, answering with
 * Sightline's own reply.
 */
export interface WireRecorder {
  /** Point OTLP/HTTP exporters here (`…/v1/<signal>`). */
  readonly otlpUrl: string;
  /** Point OTLP/gRPC exporters here. */
  readonly grpcUrl: string;
  /** The export requests received per signal, in arrival order. */
  readonly requests: Readonly<Record<Signal, object[]>>;
  /** The requests of one signal as one request (their resource blocks in arrival order). */
  merged(signal: Signal): object;
  close(): Promise<void>;
}

type Obj = Record<string, unknown>;

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

// protobufjs' toObject gives bytes in base64; OTLP/JSON spells trace and span ids in hex.
function idsToHex(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(idsToHex);
  if (typeof v !== 'object' || v === null) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v as Obj)) {
    out[k] =
      ID_FIELDS.has(k) && typeof x === 'string'
        ? Buffer.from(x, 'base64').toString('hex')
        : idsToHex(x);
  }
  return out;
}

/** A protobuf export request in OTLP/JSON form: fields present on the wire only, 64-bit as text. */
export function protobufToJsonForm(signal: Signal, bytes: Uint8Array): object {
  const type = REQUEST_TYPES[signal];
  return idsToHex(
    type.toObject(type.decode(bytes) as object, { longs: String, bytes: String }),
  ) as object;
}

const TOP: Record<Signal, string> = {
  traces: 'resourceSpans',
  logs: 'resourceLogs',
  metrics: 'resourceMetrics',
};

const SIGNAL_OF_PATH: Record<string, Signal> = {
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
};

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startWireRecorder(s: RunningSightline): Promise<WireRecorder> {
  const requests: Record<Signal, object[]> = { traces: [], logs: [], metrics: [] };

  const onHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await bodyOf(req);
    const signal = SIGNAL_OF_PATH[req.url ?? ''];
    const type = req.headers['content-type'] ?? '';
    const encoding = req.headers['content-encoding'];
    if (signal) {
      const plain = encoding === 'gzip' ? gunzipSync(raw) : raw;
      requests[signal].push(
        type.startsWith('application/json')
          ? (JSON.parse(plain.toString('utf8')) as object)
          : protobufToJsonForm(signal, plain),
      );
    }
    const answer = await fetch(`${s.otlpUrl}${req.url ?? ''}`, {
      method: req.method ?? 'POST',
      headers: { 'content-type': type, ...(encoding ? { 'content-encoding': encoding } : {}) },
      body: raw,
    });
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/octet-stream',
    });
    res.end(Buffer.from(await answer.arrayBuffer()));
  };
  const http = createServer((req, res) => {
    onHttp(req, res).catch((e: unknown) => {
      res.writeHead(502).end(String(e));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));

  // grpc-js undoes the exporter's gzip; the message is passed on as the exporter encoded it.
  const identity = (b: Buffer): Buffer => b;
  const upstream = new Client(new URL(s.grpcUrl!).host, credentials.createInsecure());
  const grpc = new Server();
  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    const method = exportMethod(signal);
    grpc.addService(method, {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, done: sendUnaryData<Buffer>) => {
        requests[signal].push(protobufToJsonForm(signal, call.request));
        upstream.makeUnaryRequest(
          method.Export!.path,
          identity,
          identity,
          call.request,
          new Metadata(),
          (err: ServiceError | null, reply?: Buffer) => done(err, reply),
        );
      },
    });
  }
  const grpcPort = await new Promise<number>((resolve, reject) =>
    grpc.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    ),
  );

  return {
    otlpUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    grpcUrl: `http://127.0.0.1:${grpcPort}`,
    requests,
    merged: (signal) => ({
      [TOP[signal]]: requests[signal].flatMap((r) => ((r as Obj)[TOP[signal]] ?? []) as object[]),
    }),
    close: async () => {
      upstream.close();
      await new Promise<void>((resolve) => grpc.tryShutdown(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
