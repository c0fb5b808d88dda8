import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '@sightline/model/api/common';
import { ServiceMapQuery, ServiceMapResponse } from '@sightline/model/api/services';
import { isSelfService } from '@sightline/model/self-telemetry';
import type { StoreClients } from '@sightline/store/client-factory';
import { resolveGrid, resolveRange } from '../sql/metrics-grid.ts';
import { breakerDependencies, untilNow } from '../sql/dependencies.ts';
import { serviceMapEdges, serviceMapNodes } from '../sql/service-map.ts';
import { storeEdges, withBreakerStates } from '../sql/service-map-stores.ts';

export interface ServiceMapRouteOptions {
  readonly store: StoreClients;
}

// The parent/child join holds a range's spans in memory; a week is the default retention.
export const MAX_MAP_RANGE_MS = 7 * 86_400_000;

export const serviceMapRoutes: FastifyPluginCallbackTypebox<ServiceMapRouteOptions> = (
  app,
  opts,
  done,
) => {
  const { reader, database } = opts.store;
  app.get(
    '/services/map',
    {
      schema: {
        summary: 'Services and the calls between them (caller → callee), from parent/child spans',
        querystring: ServiceMapQuery,
        response: { 200: ServiceMapResponse, 400: ErrorResponse },
      },
    },
    async (req) => {
      const range = resolveRange(
        req.query.from,
        req.query.to,
        Date.now(),
        undefined,
        MAX_MAP_RANGE_MS,
      );
      const limit = req.query.limit ?? 1000;
      const nodes = await serviceMapNodes(reader, database, range, limit);
      const edges = await serviceMapEdges(reader, database, range, limit);
      const stores = await storeEdges(reader, database, range, limit);
      const breakers = await breakerDependencies(
        reader,
        database,
        undefined,
        untilNow(range),
        resolveGrid(range, undefined, 1),
      );
      // Sightline's own services, hidden unless asked for, with the calls they make or take.
      const shown = (service: string) =>
        req.query.selfTelemetry === 'show' || !isSelfService(service);
      // Services and stores ranked together: the busiest of either kind within the limit.
      const allNodes = [...nodes.nodes, ...stores.nodes]
        .filter((n) => shown(n.service))
        .sort((a, b) => b.requests - a.requests || a.service.localeCompare(b.service));
      const allEdges = [...edges.edges, ...stores.edges]
        .filter((e) => shown(e.caller) && shown(e.callee))
        .sort(
          (a, b) =>
            b.calls - a.calls ||
            a.caller.localeCompare(b.caller) ||
            a.callee.localeCompare(b.callee),
        );
      return {
        from: range.fromMs,
        to: range.toMs,
        nodes: allNodes.slice(0, limit),
        edges: withBreakerStates(allEdges.slice(0, limit), breakers),
        truncated:
          nodes.truncated ||
          edges.truncated ||
          stores.truncated ||
          allNodes.length > limit ||
          allEdges.length > limit,
      };
    },
  );
  done();
};
