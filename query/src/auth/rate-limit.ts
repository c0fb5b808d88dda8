import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { SightlineError } from '@sightline/model/errors';

/**
 * Per-credential request limits: keyed by the API key or signed-in user, else by address. Runs
 * after authentication (preHandler), so it knows whose budget a request spends. With
 * `perMinute` 0 the general limit is off, but routes with a limit of their own (sign-in's guard
 * against password guessing) keep it: the plugin is always registered.
 */
export function limitRequests(app: FastifyInstance, perMinute: number): void {
  void app.register(rateLimit, {
    global: perMinute > 0,
    max: perMinute > 0 ? perMinute : 1,
    timeWindow: 60_000,
    hook: 'preHandler',
    keyGenerator: (req) => req.principal?.id ?? `ip:${req.ip}`,
    errorResponseBuilder: (req, ctx) =>
      new SightlineError(
        'SL_ERR_RATE_LIMITED',
        429,
        `rate limit of ${ctx.max} requests per ${ctx.after} exceeded for ${req.principal ? `'${req.principal.name}'` : 'this address'}; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
        Math.max(1, Math.ceil(ctx.ttl / 1000)),
      ),
  });
}
