import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '@sightline/model/api/common';
import {
  CircuitBreakersQuery,
  CircuitBreakersResponse,
  ServiceDependenciesQuery,
  ServiceDependenciesResponse,
  type Dependency,
} from '@sightline/model/api/dependencies';
import { ServiceParams } from '@sightline/model/api/services';
import type { StoreClients } from '@sightline/store/client-factory';
import {
  breakerDependencies,
  spanDependencies,
  untilNow,
  worstFirst,
} from '../sql/dependencies.ts';
import { resolveGrid, resolveRange } from '../sql/metrics-grid.ts';
import { MAX_MAP_RANGE_MS } from './service-map.ts';

export interface DependenciesRouteOptions {
  readonly store: StoreClients;
}

const POINTS = 60;

const withoutService = ({ service: _service, ...dependency }: Dependency & { service: string }) =>
  dependency;
// The peer join holds a range's spans in memory, as the service map's does.
const MAX_RANGE_MS = MAX_MAP_RANGE_MS;

export const dependenciesRoutes: FastifyPluginCallbackTypebox<DependenciesRouteOptions> = (
  app,
  opts,
  done,
) => {
  const { reader, database } = opts.store;
  app.get(
    '/services/:service/dependencies',
    {
      schema: {
        summary:
          "A service's downstream dependencies (services, databases, caches, messaging, circuit breakers) with rate, errors, p50/p95/p99 and breaker state",
        params: ServiceParams,
        querystring: ServiceDependenciesQuery,
        response: { 200: ServiceDependenciesResponse, 400: ErrorResponse },
      },
    },
    async (req) => {
      const range = resolveRange(req.query.from, req.query.to, Date.now(), undefined, MAX_RANGE_MS);
      const grid = resolveGrid(range, req.query.step, POINTS);
      const service = req.params.service;
      const limit = req.query.limit ?? 200;
      const [spans, breakers] = await Promise.all([
        spanDependencies(reader, database, service, grid, limit),
        breakerDependencies(reader, database, service, untilNow(range), grid),
      ]);
      return {
        service,
        from: grid.fromMs,
        to: grid.toMs,
        step: grid.stepMs,
        dependencies: [...spans.dependencies, ...breakers.map(withoutService)].sort(worstFirst),
        truncated: spans.truncated,
      };
    },
  );
  app.get(
    '/circuit-breakers',
    {
      schema: {
        summary:
          "Every service's circuit breakers: calls, error rate, current state and time spent open",
        querystring: CircuitBreakersQuery,
        response: { 200: CircuitBreakersResponse, 400: ErrorResponse },
      },
    },
    async (req) => {
      const range = resolveRange(req.query.from, req.query.to, Date.now(), undefined, MAX_RANGE_MS);
      const grid = resolveGrid(range, undefined, POINTS);
      const breakers = await breakerDependencies(
        reader,
        database,
        undefined,
        untilNow(range),
        grid,
      );
      return {
        from: grid.fromMs,
        to: grid.toMs,
        breakers: breakers
          .sort((a, b) => worstFirst(a, b) || a.service.localeCompare(b.service))
          .map(({ service, name, requestRate, errorRate, requests, errors, breaker }) => ({
            service,
            name,
            requests,
            errors,
            requestRate,
            errorRate,
            state: breaker?.state ?? null,
            openSeconds: breaker?.openSeconds ?? 0,
            outcomes: breaker?.outcomes ?? {},
            stateSeries: breaker?.stateSeries ?? [],
          })),
      };
    },
  );
  done();
};
