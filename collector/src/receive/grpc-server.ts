import {
  Server,
  ServerCredentials,
  status as GrpcStatus,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import type { FastifyBaseLogger } from 'fastify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { SightlineError } from '@sightline/model/errors';
import type { Signal } from '../otlp/proto.ts';
import type { MapLimits } from '../otlp/values.ts';
import type { IngestSink } from '../ingest/sink.ts';
import type { ReceiveObserver } from './app.ts';
import { CLOSING_RETRY_AFTER_SECONDS } from './closing.ts';
import { decodeRequest } from './decode-body.ts';
import { grpcErrorOf } from './grpc-status.ts';
import { successBody } from './responses.ts';
import { acceptRequest } from './to-rows.ts';

export interface GrpcReceiverOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly sink: IngestSink;
  readonly limits: MapLimits;
  /** Largest message accepted, after gzip is undone (the OTLP/HTTP body limit). */
  readonly maxMessageBytes: number;
  readonly observer?: ReceiveObserver;
  /**
   * Checks the call's metadata (lower-case keys, as HTTP headers) before anything is decoded;
   * throws a 401/403 SightlineError to refuse it.
   */
  readonly authenticate?: (
    headers: Readonly<Record<string, string | undefined>>,
  ) => Promise<unknown>;
  /** Calls per minute per API key (or peer without auth), as on the HTTP listener; unset: none. */
  readonly rateLimitPerMinute?: number;
  readonly logger: FastifyBaseLogger;
  /** PEM certificate chain and key; none → plaintext (h2c), as OTLP exporters' `insecure`. */
  readonly tls?: { readonly cert: Buffer | string; readonly key: Buffer | string };
}

export interface RunningGrpcReceiver {
  readonly port: number;
  /** What an OTLP exporter is pointed at (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
  readonly url: string;
  /** Stops taking calls and waits for those in flight (each ends once its data is durable). */
  close(): Promise<void>;
}

/** The fully qualified services of opentelemetry-proto's collector/*\/v1/*_service.proto. */
export const GRPC_SERVICES: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
};

const identity = (b: Buffer): Buffer => b;

// Requests stay raw bytes through grpc-js so the caller is authenticated before we decode them,
// and a malformed message becomes INVALID_ARGUMENT with our reason (a throwing deserializer
// would surface as INTERNAL). Responses are encoded by the same code as OTLP/HTTP's.
export const exportMethod = (signal: Signal): ServiceDefinition => ({
  Export: {
    path: `/${GRPC_SERVICES[signal]}/Export`,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
});

const SHUTDOWN_GRACE_MS = 15_000;

/** The OTLP/gRPC receiver: TraceService, LogsService and MetricsService `Export`, gzip or not. */
export async function startGrpcReceiver(opts: GrpcReceiverOptions): Promise<RunningGrpcReceiver> {
  const server = new Server({
    // grpc-js enforces this on the decompressed message too, so a small gzip cannot expand past it.
    'grpc.max_receive_message_length': opts.maxMessageBytes,
  });
  const log = opts.logger;

  const headersOf = (call: ServerUnaryCall<Buffer, Buffer>) => {
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(call.metadata.getMap())) {
      if (typeof v === 'string') headers[k] = v;
    }
    return headers;
  };

  const limiter = opts.rateLimitPerMinute
    ? new RateLimiterMemory({ points: opts.rateLimitPerMinute, duration: 60 })
    : undefined;
  const spend = async (principal: unknown, call: ServerUnaryCall<Buffer, Buffer>) => {
    if (!limiter) return;
    const id = (principal as { id?: unknown } | null | undefined)?.id;
    const key = typeof id === 'string' ? id : `peer:${call.getPeer()}`;
    try {
      await limiter.consume(key);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const wait = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new SightlineError(
        'SL_ERR_RATE_LIMITED',
        429,
        `rate limit of ${limiter.points} calls per minute exceeded for this key; retry in ${wait} s`,
        wait,
      );
    }
  };

  const exportOnce = async (signal: Signal, call: ServerUnaryCall<Buffer, Buffer>) => {
    const principal = opts.authenticate ? await opts.authenticate(headersOf(call)) : undefined;
    await spend(principal, call);
    const decoded = decodeRequest(signal, 'protobuf', call.request);
    const acceptance = await acceptRequest(opts, signal, decoded);
    return successBody(signal, 'protobuf', acceptance) as Buffer;
  };

  // While stopping, calls in flight finish; a call that still arrives is answered UNAVAILABLE with
  // RetryInfo (OTLP's "retry later") before the server sends GOAWAY, as the HTTP listener answers
  // 503 with Retry-After.
  let closing = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const shuttingDown = () =>
    new SightlineError(
      'SL_ERR_SHUTTING_DOWN',
      503,
      'Sightline is stopping: nothing of this request was accepted; send it again',
      CLOSING_RETRY_AFTER_SECONDS,
    );

  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    server.addService(exportMethod(signal), {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        if (closing) {
          opts.observer?.request(signal, 503, 0);
          callback(grpcErrorOf(shuttingDown()));
          return;
        }
        inFlight += 1;
        const finished = () => {
          inFlight -= 1;
          if (inFlight === 0) idle?.();
        };
        const started = process.hrtime.bigint();
        // The observer counts HTTP-equivalent statuses, so both protocols share one metric.
        const done = (httpStatus: number) =>
          opts.observer?.request(
            signal,
            httpStatus,
            Number(process.hrtime.bigint() - started) / 1e9,
          );
        exportOnce(signal, call)
          .then(
            (body) => {
              done(200);
              callback(null, body);
            },
            (err: unknown) => {
              if (err instanceof SightlineError) {
                done(err.statusCode);
                callback(grpcErrorOf(err));
                return;
              }
              log.error({ err, signal, peer: call.getPeer() }, 'OTLP/gRPC export failed');
              done(500);
              callback({ code: GrpcStatus.INTERNAL, details: 'internal error' });
            },
          )
          .finally(finished);
      },
    });
  }

  const credentials = opts.tls
    ? ServerCredentials.createSsl(
        null,
        [{ cert_chain: Buffer.from(opts.tls.cert), private_key: Buffer.from(opts.tls.key) }],
        false,
      )
    : ServerCredentials.createInsecure();
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${opts.port}`, credentials, (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  let stopped: Promise<void> | undefined;
  return {
    port,
    url: `${opts.tls ? 'https' : 'http'}://${host}:${port}`,
    close: () =>
      (stopped ??= new Promise<void>((resolve) => {
        closing = true;
        const force = setTimeout(() => {
          log.warn('OTLP/gRPC calls still running at shutdown were cut off');
          server.forceShutdown();
          resolve();
        }, SHUTDOWN_GRACE_MS);
        const shutdown = () =>
          server.tryShutdown(() => {
            clearTimeout(force);
            resolve();
          });
        if (inFlight === 0) shutdown();
        else idle = shutdown;
      })),
  };
}
