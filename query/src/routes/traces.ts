import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '@sightline/model/api/common';
import { TraceIdParams, TraceResponse } from '@sightline/model/api/traces';
import { SightlineError } from '@sightline/model/errors';
import type { StoreClients } from '@sightline/store/client-factory';
import { traceById } from '../sql/trace-by-id.ts';

export interface TraceRouteOptions {
  readonly store: StoreClients;
  readonly maxTraceSpans: number;
}

export const traceRoutes: FastifyPluginCallbackTypebox<TraceRouteOptions> = (app, opts, done) => {
  app.get(
    '/traces/:traceId',
    {
      schema: {
        summary: 'Every span of one trace',
        params: TraceIdParams,
        response: { 200: TraceResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const { traceId } = req.params;
      const spans = await traceById(
        opts.store.reader,
        opts.store.database,
        traceId,
        opts.maxTraceSpans,
      );
      if (spans.length === 0) {
        throw new SightlineError('SL_ERR_TRACE_NOT_FOUND', 404, `no trace with id ${traceId}`);
      }
      return { traceId: traceId.toLowerCase(), spans };
    },
  );
  done();
};
