import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { StoreClients } from '@sightline/store/client-factory';
import { registerErrorHandling } from './plugins/errors.ts';
import { healthRoutes } from './routes/health.ts';
import { logRoutes } from './routes/logs.ts';
import { registerOpenApi } from './routes/openapi.ts';
import { traceRoutes } from './routes/traces.ts';
import { metricRoutes } from './routes/metrics.ts';
import { redRoutes } from './routes/red.ts';
import { serviceMapRoutes } from './routes/service-map.ts';
import { dashboardRoutes } from './routes/dashboard.ts';

export interface QueryAppOptions {
  readonly store: StoreClients;
  readonly version: string;
  readonly maxTraceSpans: number;
  /** A pino logger (fastify's own type); none → silent. */
  readonly logger?: FastifyBaseLogger;
}

/** The query API under /api/v1. Built here, listened on by the server entry. */
export function buildQueryApp(opts: QueryAppOptions): FastifyInstance {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    requestIdHeader: 'x-request-id',
    // Per-request lines would dwarf the telemetry itself; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerErrorHandling(app);
  // Before any route: the OpenAPI document is built from routes as they are added.
  registerOpenApi(app, { version: opts.version, prefix: '/api/v1' });
  void app.register(
    async (api) => {
      await api.register(healthRoutes, { store: opts.store, version: opts.version });
      await api.register(traceRoutes, { store: opts.store, maxTraceSpans: opts.maxTraceSpans });
      await api.register(logRoutes, { store: opts.store });
      await api.register(metricRoutes, { store: opts.store });
      await api.register(redRoutes, { store: opts.store });
      await api.register(serviceMapRoutes, { store: opts.store });
    },
    { prefix: '/api/v1' },
  );
  // Outside /api: the built single-page app, with index.html for its deep links.
  void app.register(dashboardRoutes);
  return app;
}
