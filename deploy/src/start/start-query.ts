import { buildQueryApp } from '@sightline/query/app';
import type { IngestEndpoints } from '@sightline/query/routes/setup';
import type { StoreClients } from '@sightline/store/client-factory';
import type { SightlineConfig } from '../config.ts';
import { closeBy } from '../close-by.ts';
import { serveReadiness } from '../readiness.ts';
import { urlOf, type ListenerDeps, type Stoppable } from './started.ts';

/** What the query role reads from the configuration. */
export interface QueryRoleConfig extends Pick<
  SightlineConfig,
  'host' | 'apiPort' | 'maxTraceSpans' | 'promql' | 'requestTimeoutMs'
> {
  /** Base of dashboard links (SIGHTLINE_PUBLIC_URL); unset: the API's own URL. */
  readonly publicUrl: string | undefined;
  /** Host names answered to (see listener-limits.ts); unset: any. */
  readonly allowedHosts?: readonly string[];
}

export interface QueryDeps extends ListenerDeps {
  readonly store: StoreClients;
  readonly version: string;
  /** This process's OTLP listeners, for the dashboard's hints. */
  readonly ingestEndpoints: () => IngestEndpoints;
}

export interface StartedQuery extends Stoppable {
  readonly apiUrl: string;
}

/** Starts the query API (and the dashboard it serves) on the API port. */
export async function startQuery(config: QueryRoleConfig, deps: QueryDeps): Promise<StartedQuery> {
  const { auth, tls } = deps;
  let apiUrl = '';
  const query = buildQueryApp({
    store: deps.store,
    version: deps.version,
    publicUrl: () => config.publicUrl ?? apiUrl,
    ingestEndpoints: deps.ingestEndpoints,
    maxTraceSpans: config.maxTraceSpans,
    promql: config.promql,
    requestTimeoutMs: config.requestTimeoutMs,
    logger: deps.logger.child({ role: 'query' }),
    ...(auth ? { auth: auth.query, authRoutes: auth.routes.query } : {}),
    ...(tls ? { tls } : {}),
    ...(config.allowedHosts ? { allowedHosts: config.allowedHosts } : {}),
  });
  deps.metrics.serve(query);
  serveReadiness(query, deps.probes);
  try {
    await query.listen({ host: config.host, port: config.apiPort });
  } catch (err) {
    await query.close();
    throw err;
  }
  apiUrl = urlOf(query);
  return { apiUrl, stop: () => closeBy(query, deps.deadline()).catch(() => undefined) };
}
