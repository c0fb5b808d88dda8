import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SightlineError } from '@sightline/model/errors';

/** Whose budget a request spends: the API key's id once authenticated, else the caller's address. */
const keyIds = new WeakMap<FastifyRequest, string>();

export function rememberCaller(req: FastifyRequest, principal: unknown): void {
  const id = (principal as { id?: unknown } | null | undefined)?.id;
  if (typeof id === 'string') keyIds.set(req, id);
}

/**
 * Per-key request limits on the receive listener (OTLP, Zipkin, remote write): 429 with
 * Retry-After, which every OTLP exporter and Prometheus honour. Runs after authentication.
 */
export function limitReceiveRequests(app: FastifyInstance, perMinute: number): void {
  void app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    hook: 'preHandler',
    // Health checks and scrapes are not telemetry; probes must never be refused.
    allowList: (req) => ['/health', '/ready', '/metrics'].includes(req.routeOptions.url ?? ''),
    keyGenerator: (req) => keyIds.get(req) ?? `ip:${req.ip}`,
    errorResponseBuilder: (_req, ctx) =>
      new SightlineError(
        'SL_ERR_RATE_LIMITED',
        429,
        `rate limit of ${ctx.max} requests per ${ctx.after} exceeded for this key; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
        Math.max(1, Math.ceil(ctx.ttl / 1000)),
      ),
  });
}
