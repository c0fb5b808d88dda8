import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DEFAULT_REQUEST_TIMEOUT_MS, requestTimeoutOptions } from '@sightline/model/http-timeouts';
import type { StoreClients } from '@sightline/store/client-factory';
import { registerErrorHandling } from './plugins/errors.ts';
import { allowOnlyHosts } from './plugins/allowed-hosts.ts';
import { securityHeaders } from './plugins/security-headers.ts';
import { refuseNonFiniteNumbers } from './plugins/finite-numbers.ts';
import { healthRoutes } from './routes/health.ts';
import { setupRoutes, type IngestEndpoints } from './routes/setup.ts';
import { logRoutes } from './routes/logs.ts';
import { registerOpenApi } from './routes/openapi.ts';
import { traceRoutes } from './routes/traces.ts';
import { traceScatterRoutes } from './routes/trace-scatter.ts';
import { metricRoutes } from './routes/metrics.ts';
import { dependenciesRoutes } from './routes/dependencies.ts';
import { redRoutes } from './routes/red.ts';
import { serviceMapRoutes } from './routes/service-map.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { guardQueryApp, type QueryAuthOptions, type QueryGuardedRoute } from './auth/guard.ts';
import { limitRequests } from './auth/rate-limit.ts';
import { authRoutes } from './routes/auth.ts';
import { keyRoutes } from './routes/keys.ts';
import { alertRoutes } from './routes/alerts.ts';
import { alertSilenceRoutes } from './routes/alert-silences.ts';
import { dashboardApiRoutes } from './routes/dashboards.ts';
import { savedSearchRoutes } from './routes/saved-searches.ts';
import type { PromQLLimits } from './promql/evaluate.ts';
import { DEFAULT_PROMQL_LIMITS, prometheusRoutes } from './routes/prometheus/prometheus-routes.ts';

export interface QueryAppOptions {
  readonly store: StoreClients;
  readonly version: string;
  readonly maxTraceSpans: number;
  /** Limits of one PromQL query (the /prometheus API); Prometheus' defaults when unset. */
  readonly promql?: PromQLLimits;
  /** Base of dashboard links in alerts (SIGHTLINE_PUBLIC_URL, or the API's own URL once listening). */
  readonly publicUrl?: () => string;
  /** The OTLP listeners of this process (for the dashboard's hints); none when receive runs elsewhere. */
  readonly ingestEndpoints?: () => IngestEndpoints;
  /** A pino logger (fastify's own type); none → silent. */
  readonly logger?: FastifyBaseLogger;
  /** Auth on: every route but health and the dashboard's files needs a key or a session. */
  readonly auth?: QueryAuthOptions;
  /** Filled with every route and what it needs (auth on), for tests and docs. */
  readonly authRoutes?: QueryGuardedRoute[];
  /** Set: requests whose Host names none of these are refused (421), against DNS rebinding. */
  readonly allowedHosts?: readonly string[];
  /** A request whose headers and body have not all arrived by then is answered 408. */
  readonly requestTimeoutMs?: number;
  /** PEM certificate and key: the listener speaks https. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
}

/** The query API under /api/v1. Built here, listened on by the server entry. */
export function buildQueryApp(opts: QueryAppOptions): FastifyInstance {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    requestIdHeader: 'x-request-id',
    // Per-request lines would dwarf the telemetry itself; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    ...requestTimeoutOptions(opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, opts.tls),
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerErrorHandling(app);
  securityHeaders(app, opts.tls !== undefined);
  if (opts.allowedHosts) allowOnlyHosts(app, opts.allowedHosts);
  refuseNonFiniteNumbers(app);
  if (opts.auth) {
    guardQueryApp(app, opts.auth, opts.authRoutes);
    limitRequests(app, opts.auth.rateLimitPerMinute);
  }
  // Before any route: the OpenAPI document is built from routes as they are added.
  registerOpenApi(app, { version: opts.version, prefix: '/api/v1' });
  void app.register(
    async (api) => {
      await api.register(healthRoutes, { store: opts.store, version: opts.version });
      await api.register(setupRoutes, {
        endpoints: opts.ingestEndpoints ?? (() => ({})),
        auth: opts.auth !== undefined,
      });
      await api.register(traceRoutes, { store: opts.store, maxTraceSpans: opts.maxTraceSpans });
      await api.register(traceScatterRoutes, { store: opts.store });
      await api.register(logRoutes, { store: opts.store });
      await api.register(metricRoutes, { store: opts.store });
      await api.register(redRoutes, { store: opts.store });
      await api.register(serviceMapRoutes, { store: opts.store });
      await api.register(dependenciesRoutes, { store: opts.store });
      await api.register(alertRoutes, {
        store: opts.store,
        publicUrl: opts.publicUrl ?? (() => ''),
      });
      await api.register(alertSilenceRoutes, { store: opts.store });
      await api.register(dashboardApiRoutes, { store: opts.store });
      await api.register(savedSearchRoutes, { store: opts.store });
      await api.register(authRoutes, { auth: opts.auth });
      await api.register(keyRoutes, { store: opts.store, verifier: opts.auth?.verifier });
    },
    { prefix: '/api/v1' },
  );
  // Where Grafana and promtool expect a Prometheus server: <host>:8080/prometheus.
  void app.register(prometheusRoutes, {
    prefix: '/prometheus',
    store: opts.store,
    version: opts.version,
    limits: opts.promql ?? DEFAULT_PROMQL_LIMITS,
  });
  // Outside /api: the built single-page app, with index.html for its deep links.
  void app.register(dashboardRoutes);
  return app;
}
