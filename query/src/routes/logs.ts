import type { ServerResponse } from 'node:http';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '@sightline/model/api/common';
import {
  LOG_CONTEXT_LINES,
  LOG_FACET_LIMIT,
  LOG_SEARCH_LIMIT,
  LOG_TAIL_BATCH,
  LOG_TAIL_EVENTS,
  LogContextQuery,
  LogContextResponse,
  LogFacetsQuery,
  LogFacetsResponse,
  LogHistogramQuery,
  LogHistogramResponse,
  LogSearchQuery,
  LogSearchResponse,
  LogTailQuery,
  type LogTailBatch,
  type LogTailReady,
} from '@sightline/model/api/logs';
import { SightlineError } from '@sightline/model/errors';
import type { StoreClients } from '@sightline/store/client-factory';
import { logContext } from '../sql/logs-context.ts';
import { decodeCursor } from '../sql/logs-cursor.ts';
import { logFacets } from '../sql/logs-facets.ts';
import { andFilters, selfTelemetryFilter } from '../sql/logs-filter.ts';
import { compileSearch } from '../search/compile-search.ts';
import { logHistogram } from '../sql/logs-histogram.ts';
import { searchLogs } from '../sql/logs-search.ts';
import { LogTail } from '../sql/logs-tail.ts';
import { parseTimeRange, resolveStep } from '../time-range.ts';

export interface TailSettings {
  readonly pollMs: number;
  readonly heartbeatMs: number;
  /** How late (by timestamp, against this server's clock) a row may arrive and still be sent. */
  readonly lookbackMs: number;
  /** Keys of sent rows remembered per tail (bounds each poll's query). */
  readonly maxSeen: number;
  /** Open tails per server; each polls the store once per `pollMs`. */
  readonly maxTails: number;
}

export const DEFAULT_TAIL_SETTINGS: TailSettings = {
  pollMs: 1000,
  heartbeatMs: 15_000,
  lookbackMs: 30_000,
  maxSeen: 5000,
  maxTails: 32,
};

export interface LogRouteOptions {
  readonly store: StoreClients;
  readonly tail?: Partial<TailSettings>;
}

const UINT64_MAX = (1n << 64n) - 1n;
/** The last second ClickHouse's DateTime holds (TimestampTime is one), in ns. */
const MAX_TIMESTAMP_NS = 4_294_967_295n * 1_000_000_000n;

const errors = { 400: ErrorResponse };

export const logRoutes: FastifyPluginCallbackTypebox<LogRouteOptions> = (app, opts, done) => {
  const { reader: client, database } = opts.store;
  const tailSettings: TailSettings = { ...DEFAULT_TAIL_SETTINGS, ...opts.tail };
  /** Ends every open tail stream; run before the server closes, which waits for connections. */
  const openTails = new Set<() => void>();
  app.addHook('preClose', (hookDone) => {
    for (const end of openTails) end();
    hookDone();
  });

  app.get(
    '/logs',
    {
      schema: {
        summary: 'Search logs, newest first, with cursor pagination',
        querystring: LogSearchQuery,
        response: { 200: LogSearchResponse, ...errors },
      },
    },
    async (req) => {
      const { q, cursor } = req.query;
      const limit = req.query.limit ?? LOG_SEARCH_LIMIT.default;
      // Compiled once; a bad q is reported before a bad cursor.
      const search = andFilters(
        compileSearch(q, 'logs'),
        selfTelemetryFilter(req.query.selfTelemetry),
      );
      const decoded = cursor === undefined ? undefined : decodeCursor(cursor, q ?? '');
      // A cursor keeps the first page's range; from/to are only read without one.
      const range = decoded?.range ?? parseTimeRange(req.query);
      const page = await searchLogs({
        client,
        database,
        q,
        search,
        range,
        cursor: decoded,
        limit,
      });
      return {
        from: page.range.fromMs,
        to: page.range.toMs,
        rows: page.rows,
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/logs/histogram',
    {
      schema: {
        summary: 'Matching logs per interval and severity, every interval present',
        querystring: LogHistogramQuery,
        response: { 200: LogHistogramResponse, ...errors },
      },
    },
    async (req) => {
      const { q } = req.query;
      const search = andFilters(
        compileSearch(q, 'logs'),
        selfTelemetryFilter(req.query.selfTelemetry),
      );
      const range = parseTimeRange(req.query);
      const stepSeconds = resolveStep(req.query.step, range);
      return logHistogram({ client, database, search, range, stepSeconds });
    },
  );

  app.get(
    '/logs/facets',
    {
      schema: {
        summary: 'Top values of a field among matching logs, with the count of rows lacking it',
        querystring: LogFacetsQuery,
        response: { 200: LogFacetsResponse, ...errors },
      },
    },
    async (req) => {
      const { q, field } = req.query;
      const search = andFilters(
        compileSearch(q, 'logs'),
        selfTelemetryFilter(req.query.selfTelemetry),
      );
      const range = parseTimeRange(req.query);
      const limit = req.query.limit ?? LOG_FACET_LIMIT.default;
      return logFacets({ client, database, field, search, range, limit });
    },
  );

  app.get(
    '/logs/context',
    {
      schema: {
        summary: 'The logs just before and after one log, oldest first',
        querystring: LogContextQuery,
        response: { 200: LogContextResponse, ...errors, 404: ErrorResponse },
      },
    },
    async (req) => {
      const ts = BigInt(req.query.timestamp);
      const key = BigInt(req.query.id);
      if (ts > MAX_TIMESTAMP_NS) throw badParam('timestamp', 'is past 2106-02-07');
      if (key > UINT64_MAX) throw badParam('id', 'is larger than a 64-bit id');
      return logContext({
        client,
        database,
        anchor: { ts, key },
        before: req.query.before ?? LOG_CONTEXT_LINES.default,
        after: req.query.after ?? LOG_CONTEXT_LINES.default,
        scope: req.query.scope ?? 'service',
      });
    },
  );

  app.get(
    '/logs/tail',
    {
      schema: {
        summary: 'Live tail: new matching logs as Server-Sent Events (text/event-stream)',
        querystring: LogTailQuery,
        response: { ...errors, 503: ErrorResponse },
      },
    },
    async (req, reply) => {
      const filter = andFilters(
        compileSearch(req.query.q, 'logs'),
        selfTelemetryFilter(req.query.selfTelemetry),
      );
      if (openTails.size >= tailSettings.maxTails) {
        throw new SightlineError(
          'SL_ERR_TOO_MANY_TAILS',
          503,
          `${tailSettings.maxTails} live tails are open on this server; close one or retry later`,
          5,
        );
      }
      // From here on the response is ours: fastify neither serialises nor ends it.
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Proxies such as nginx would otherwise buffer the stream.
        'x-accel-buffering': 'no',
        'x-request-id': req.id,
      });
      res.flushHeaders();

      const write = (text: string): boolean => (res.writableEnded ? true : res.write(text));
      const heartbeat = setInterval(() => write(': heartbeat\n\n'), tailSettings.heartbeatMs);
      const tail = new LogTail({
        client,
        database,
        filter,
        batchLimit: req.query.limit ?? LOG_TAIL_BATCH.default,
        pollMs: tailSettings.pollMs,
        lookbackMs: tailSettings.lookbackMs,
        maxSeen: tailSettings.maxSeen,
        onReady: () => {
          const ready: LogTailReady = {
            pollMs: tailSettings.pollMs,
            lookbackMs: tailSettings.lookbackMs,
          };
          write(sseEvent(LOG_TAIL_EVENTS.ready, ready));
        },
        onRows: async (rows) => {
          const batch: LogTailBatch = { rows };
          if (!write(sseEvent(LOG_TAIL_EVENTS.logs, batch))) await drained(res);
        },
        onError: (err) => {
          req.log.error({ err }, 'live tail query failed');
          write(
            sseEvent(LOG_TAIL_EVENTS.error, {
              code: 'SL_ERR_INTERNAL',
              message: 'the tail query failed; see the server log',
            }),
          );
          end();
        },
      });
      const end = (): void => {
        if (!openTails.delete(end)) return;
        clearInterval(heartbeat);
        tail.stop();
        if (!res.writableEnded) res.end();
      };
      openTails.add(end);
      res.on('close', end);
      tail.start();
    },
  );
  done();
};

function badParam(param: string, problem: string): SightlineError {
  return new SightlineError('SL_ERR_VALIDATION', 400, `querystring/${param} ${problem}`);
}

/** One SSE event; JSON never holds a raw line break, so `data` is a single line. */
function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Resolves when the client has taken the buffered data, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
