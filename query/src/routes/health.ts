import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { HealthResponse } from '@sightline/model/api/health';
import type { StoreClients } from '@sightline/store/client-factory';

export interface HealthRouteOptions {
  readonly store: StoreClients;
  readonly version: string;
}

export const healthRoutes: FastifyPluginCallbackTypebox<HealthRouteOptions> = (app, opts, done) => {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness and store reachability',
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (_req, reply) => {
      try {
        const ping = await opts.store.reader.ping();
        if (!ping.success) throw ping.error;
        return {
          status: 'ok' as const,
          store: { kind: opts.store.kind, ok: true },
          version: opts.version,
        };
      } catch (err) {
        return reply.code(503).send({
          status: 'degraded' as const,
          store: { kind: opts.store.kind, ok: false, error: (err as Error).message },
          version: opts.version,
        });
      }
    },
  );
  done();
};
