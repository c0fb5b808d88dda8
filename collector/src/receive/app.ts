import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { SightlineError } from '@sightline/model/errors';
import { DEFAULT_REQUEST_TIMEOUT_MS, requestTimeoutOptions } from '@sightline/model/http-timeouts';
import type { IngestSink } from '../ingest/sink.ts';
import type { Signal } from '../otlp/proto.ts';
import type { MapLimits } from '../otlp/values.ts';
import { decodeRequest, decompress, encodingOf, type Encoding } from './decode-body.ts';
import { guardReceiveApp, type Authenticate, type GuardedRoute } from './auth.ts';
import { CONTENT_TYPES, statusBody, successBody } from './responses.ts';
import { promRoutes } from './prom-routes.ts';
import { limitReceiveRequests } from './rate-limit.ts';
import { refuseWhileClosing } from './closing.ts';
import { limitMemoryInFlight, MemoryBudget } from './memory-budget.ts';
import { acceptRequest } from './to-rows.ts';
import { zipkinRoutes } from './zipkin-routes.ts';

export interface ReceiveAppOptions {
  readonly sink: IngestSink;
  /** Largest body accepted, compressed or not. */
  readonly bodyLimitBytes: number;
  readonly limits: MapLimits;
  /** A pino logger (fastify's own type); none → silent. */
  readonly logger?: FastifyBaseLogger;
  /** Told about every OTLP request and the items it carried (self-metrics). */
  readonly observer?: ReceiveObserver;
  /** Checks every request's API key (auth on); none → every request is let through. */
  readonly authenticate?: Authenticate;
  /** Filled with every route and the scope it needs (auth on), for tests and docs. */
  readonly authRoutes?: GuardedRoute[];
  /** Requests per minute per API key (or address without auth); unset or 0: no limit. */
  readonly rateLimitPerMinute?: number;
  /** PEM certificate and key: the listener speaks https. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  /** A request whose headers and body have not all arrived by then is answered 408. */
  readonly requestTimeoutMs?: number;
  /** Memory that requests being read and decoded may reserve; beyond it, 429 before reading. */
  readonly memoryBudgetBytes?: number;
}

export interface ReceiveObserver {
  request(signal: Signal, status: number, seconds: number): void;
  items(signal: Signal, accepted: number, rejected: number): void;
}

const requestEncoding = (req: FastifyRequest): Encoding => {
  try {
    return encodingOf(req.headers['content-type']);
  } catch {
    return 'json';
  }
};

/** The OTLP/HTTP receiver: POST /v1/traces, /v1/logs and /v1/metrics, protobuf or JSON, gzip or not. */
export function buildReceiveApp(opts: ReceiveAppOptions): FastifyInstance {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    bodyLimit: opts.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    // Per-request lines would dwarf the telemetry itself; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    ...requestTimeoutOptions(opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, opts.tls),
    // Fastify's own answer while closing is a bare JSON 503; ours below speaks OTLP.
    return503OnClosing: false,
  });
  refuseWhileClosing(app);
  if (opts.authenticate) guardReceiveApp(app, opts.authenticate, opts.authRoutes);
  if (opts.rateLimitPerMinute) limitReceiveRequests(app, opts.rateLimitPerMinute);
  if (opts.memoryBudgetBytes !== undefined) {
    limitMemoryInFlight(app, new MemoryBudget(opts.memoryBudgetBytes), opts.bodyLimitBytes);
  }

  // Bodies stay raw: they may be gzip-compressed, and protobuf and JSON are decoded by us.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const send = (reply: FastifyReply, encoding: Encoding, status: number, body: Buffer | string) =>
    reply.code(status).type(CONTENT_TYPES[encoding]).send(body);

  app.setErrorHandler((err, req, reply) => {
    const encoding = requestEncoding(req);
    if (err instanceof SightlineError) {
      if (err.retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(err.retryAfterSeconds));
      return send(
        reply,
        encoding,
        err.statusCode,
        statusBody(encoding, err.statusCode, err.message),
      );
    }
    const fe = err as { statusCode?: number; code?: string; message: string };
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const msg = `the body exceeds the limit of ${opts.bodyLimitBytes} bytes`;
      return send(reply, encoding, 413, statusBody(encoding, 413, msg));
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return send(reply, encoding, fe.statusCode, statusBody(encoding, fe.statusCode, fe.message));
    }
    req.log.error({ err }, 'OTLP request failed');
    return send(
      reply,
      encoding,
      500,
      statusBody(encoding, 500, `internal error (request ${req.id})`),
    );
  });

  app.setNotFoundHandler((req, reply) =>
    send(
      reply,
      'json',
      404,
      statusBody(
        'json',
        404,
        `no route ${req.method} ${req.url}: OTLP/HTTP takes POST /v1/traces, /v1/logs and /v1/metrics`,
      ),
    ),
  );

  const observer = opts.observer;
  if (observer) {
    const signalOf = (url: string | undefined): Signal | undefined =>
      url === '/v1/traces'
        ? 'traces'
        : url === '/v1/logs'
          ? 'logs'
          : url === '/v1/metrics'
            ? 'metrics'
            : undefined;
    app.addHook('onResponse', (req, reply, done) => {
      const signal = signalOf(req.routeOptions.url);
      if (signal) observer.request(signal, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }

  // In a plugin, like the Zipkin and Prometheus routes, so the rate limiter registered above
  // (itself a plugin) is in place when the routes are added.
  void app.register((otlp, _opts, done) => {
    for (const signal of ['traces', 'logs', 'metrics'] as const) {
      otlp.post(`/v1/${signal}`, async (req, reply) => {
        const encoding = encodingOf(req.headers['content-type']);
        if (!Buffer.isBuffer(req.body)) {
          throw new SightlineError('SL_ERR_EMPTY_BODY', 400, 'the request has no body');
        }
        const raw = await decompress(
          req.body,
          req.headers['content-encoding'],
          opts.bodyLimitBytes,
        );
        const decoded = decodeRequest(signal, encoding, raw);
        const acceptance = await acceptRequest(opts, signal, decoded);
        return send(reply, encoding, 200, successBody(signal, encoding, acceptance));
      });
    }
    done();
  });

  // Zipkin and Prometheus senders, converted to OTLP requests that take the same path.
  void app.register(zipkinRoutes, opts);
  void app.register(promRoutes, opts);

  app.get('/health', (_req, reply) => reply.send({ status: 'ok' }));
  return app;
}
