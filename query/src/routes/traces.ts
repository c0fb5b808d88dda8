import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '@sightline/model/api/common';
import {
  CriticalPathResponse,
  OperationsResponse,
  ServiceParams,
  ServicesQuery,
  ServicesResponse,
  TimeRangeQuery,
  TraceIdParams,
  TraceResponse,
  TraceSearchQuery,
  TraceSearchResponse,
} from '@sightline/model/api/traces';
import { SightlineError } from '@sightline/model/errors';
import { isSelfService } from '@sightline/model/self-telemetry';
import type { StoreClients } from '@sightline/store/client-factory';
import { criticalPath } from '../sql/critical-path.ts';
import { encodeTraceCursor } from '../sql/trace-cursor.ts';
import { resolveTraceSearch } from '../sql/trace-search-params.ts';
import { searchTraces } from '../sql/trace-search.ts';
import { operationsInRange, servicesInRange } from '../sql/trace-services.ts';
import { traceSpanTimings } from '../sql/trace-span-timings.ts';
import { resolveTimeRange } from '../sql/trace-time-range.ts';
import { traceView } from '../sql/trace-view.ts';

export interface TraceRouteOptions {
  readonly store: StoreClients;
  readonly maxTraceSpans: number;
}

/** Logs shown beside one trace; a trace that logs more than this is better read in log search. */
export const MAX_TRACE_LOGS = 10_000;

const notFound = (traceId: string) =>
  new SightlineError('SL_ERR_TRACE_NOT_FOUND', 404, `no trace with id ${traceId}`);

const BAD_REQUEST = { 400: ErrorResponse };

export const traceRoutes: FastifyPluginCallbackTypebox<TraceRouteOptions> = (app, opts, done) => {
  const { reader, database } = opts.store;

  app.get(
    '/services',
    {
      schema: {
        summary: 'Services that sent spans, logs or metrics in a time range, with which of them',
        tags: ['traces'],
        querystring: ServicesQuery,
        response: { 200: ServicesResponse, ...BAD_REQUEST },
      },
    },
    async (req) => {
      const range = resolveTimeRange(req.query.from, req.query.to);
      const all = await servicesInRange(reader, database, range);
      const show = req.query.selfTelemetry === 'show';
      const signals = show ? all : all.filter((s) => !isSelfService(s.service));
      return { services: signals.map((s) => s.service), signals };
    },
  );

  app.get(
    '/services/:service/operations',
    {
      schema: {
        summary: 'Span names and kinds of one service in a time range',
        tags: ['traces'],
        params: ServiceParams,
        querystring: TimeRangeQuery,
        response: { 200: OperationsResponse, ...BAD_REQUEST },
      },
    },
    async (req) => {
      const range = resolveTimeRange(req.query.from, req.query.to);
      const { service } = req.params;
      return { service, operations: await operationsInRange(reader, database, service, range) };
    },
  );

  app.get(
    '/traces',
    {
      schema: {
        summary: 'Search traces',
        description:
          'A trace matches when one of its spans, starting inside the range, passes every span filter ' +
          '(service, operation, status, q). Duration filters apply to the whole trace. Newest first.',
        tags: ['traces'],
        querystring: TraceSearchQuery,
        response: { 200: TraceSearchResponse, ...BAD_REQUEST },
      },
    },
    async (req) => {
      const search = resolveTraceSearch(req.query);
      const page = await searchTraces(reader, database, search);
      return {
        traces: page.traces,
        nextCursor: page.next && encodeTraceCursor({ ...page.next, range: search.range }),
      };
    },
  );

  app.get(
    '/traces/:traceId',
    {
      schema: {
        summary: 'Every span of one trace and the logs that share its trace id',
        description:
          'Answers when spans or logs carry the id: a trace known only from logs has an empty span list.',
        tags: ['traces'],
        params: TraceIdParams,
        response: { 200: TraceResponse, 404: ErrorResponse },
      },
      // The body is built to the schema (toSpan, toTraceLog); schema-driven serialisation of its
      // attribute maps took several times longer than JSON.stringify on a 1,500-span trace.
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (req) => {
      const traceId = req.params.traceId.toLowerCase();
      // One row over each cap tells whether the answer was cut.
      const { spans, logs } = await traceView(reader, database, traceId, {
        maxSpans: opts.maxTraceSpans + 1,
        maxLogs: MAX_TRACE_LOGS + 1,
      });
      // Logs alone (from a service whose spans were not sent or sampled out) still make a trace.
      if (spans.length === 0 && logs.length === 0) throw notFound(traceId);
      return {
        traceId,
        spans: spans.slice(0, opts.maxTraceSpans),
        spansTruncated: spans.length > opts.maxTraceSpans,
        logs: logs.slice(0, MAX_TRACE_LOGS),
        logsTruncated: logs.length > MAX_TRACE_LOGS,
      };
    },
  );

  app.get(
    '/traces/:traceId/critical-path',
    {
      schema: {
        summary: "The span segments that make up the root span's latency",
        tags: ['traces'],
        params: TraceIdParams,
        response: { 200: CriticalPathResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const traceId = req.params.traceId.toLowerCase();
      const spans = await traceSpanTimings(reader, database, traceId, opts.maxTraceSpans);
      const path = criticalPath(spans);
      if (path === null) throw notFound(traceId);
      return {
        traceId,
        rootSpanId: path.root.spanId,
        rootSpanMissing: path.rootSpanMissing,
        segments: path.segments.map(({ span, start, end }) => ({
          spanId: span.spanId,
          serviceName: span.serviceName,
          name: span.name,
          startTimeUnixNano: start.toString(),
          endTimeUnixNano: end.toString(),
          durationNano: (end - start).toString(),
        })),
      };
    },
  );
  done();
};
