import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '@sightline/model/api/common';
import {
  ServiceParams,
  ServiceRedQuery,
  ServiceRedResponse,
  ServicesOverviewQuery,
  ServicesOverviewResponse,
} from '@sightline/model/api/services';
import { isSelfService } from '@sightline/model/self-telemetry';
import type { StoreClients } from '@sightline/store/client-factory';
import type { CompiledSearch } from '../search/compile.ts';
import { compileSearch } from '../search/compile-search.ts';
import { resolveGrid, resolveRange } from '../sql/metrics-grid.ts';
import { redStats } from '../sql/red-stats.ts';

export interface RedRouteOptions {
  readonly store: StoreClients;
}

// Sparklines in the overview need fewer points than a service's own charts.
const OVERVIEW_POINTS = 60;
const SERVICE_POINTS = 120;

const search = (q: string | undefined): CompiledSearch | undefined =>
  q === undefined || q.trim() === '' ? undefined : compileSearch(q, 'spans');

/** RED (rate, errors, duration) from spans: per service, and per operation of one service. */
export const redRoutes: FastifyPluginCallbackTypebox<RedRouteOptions> = (app, opts, done) => {
  const { reader, database } = opts.store;

  app.get(
    '/services/overview',
    {
      schema: {
        summary: 'Every service with spans in the range: request rate, error rate, p50/p95/p99',
        querystring: ServicesOverviewQuery,
        response: { 200: ServicesOverviewResponse, 400: ErrorResponse },
      },
    },
    async (req) => {
      const range = resolveRange(req.query.from, req.query.to, Date.now());
      const grid = resolveGrid(range, req.query.step, OVERVIEW_POINTS);
      const { entries, truncated } = await redStats(reader, {
        database,
        grid,
        by: 'service',
        search: search(req.query.q),
        limit: req.query.limit ?? 200,
      });
      return {
        from: grid.fromMs,
        to: grid.toMs,
        step: grid.stepMs,
        services: entries
          .filter((e) => req.query.selfTelemetry === 'show' || !isSelfService(e.name))
          .map(({ name, ...rest }) => ({ service: name, ...rest })),
        truncated,
      };
    },
  );

  app.get(
    '/services/:service/red',
    {
      schema: {
        summary: "One service's operations (span names): request rate, error rate, p50/p95/p99",
        params: ServiceParams,
        querystring: ServiceRedQuery,
        response: { 200: ServiceRedResponse, 400: ErrorResponse },
      },
    },
    async (req) => {
      const range = resolveRange(req.query.from, req.query.to, Date.now());
      const grid = resolveGrid(range, req.query.step, SERVICE_POINTS);
      const { entries, truncated } = await redStats(reader, {
        database,
        grid,
        by: 'operation',
        service: req.params.service,
        search: search(req.query.q),
        limit: req.query.limit ?? 200,
      });
      return {
        service: req.params.service,
        from: grid.fromMs,
        to: grid.toMs,
        step: grid.stepMs,
        operations: entries.map(({ name, ...rest }) => ({ operation: name, ...rest })),
        truncated,
      };
    },
  );
  done();
};
