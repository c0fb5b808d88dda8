import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '@sightline/model/api/common';
import {
  TRACE_SCATTER_DEFAULT_POINTS,
  TraceScatterQuery,
  TraceScatterResponse,
} from '@sightline/model/api/trace-scatter';
import type { StoreClients } from '@sightline/store/client-factory';
import { traceScatter } from '../sql/trace-scatter.ts';
import { resolveTraceSearch } from '../sql/trace-search-params.ts';

export const traceScatterRoutes: FastifyPluginCallbackTypebox<{ store: StoreClients }> = (
  app,
  opts,
  done,
) => {
  const { reader, database } = opts.store;
  app.get(
    '/trace-scatter',
    {
      schema: {
        summary: 'Start and duration of every trace a search matches, sampled when there are many',
        description:
          'The filters of GET /traces over the whole range, not one page: every match up to ' +
          '`points`, beyond that an even sample over time, with the number of matches.',
        tags: ['traces'],
        querystring: TraceScatterQuery,
        response: { 200: TraceScatterResponse, 400: ErrorResponse },
      },
    },
    async (req) => {
      const { points, ...filters } = req.query;
      const search = resolveTraceSearch(filters);
      return traceScatter(reader, database, search, points ?? TRACE_SCATTER_DEFAULT_POINTS);
    },
  );
  done();
};
