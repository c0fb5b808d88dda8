import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '@sightline/model/api/common';
import { SightlineError } from '@sightline/model/errors';
import {
  MetricAttributesQuery,
  MetricAttributesResponse,
  MetricNameParams,
  MetricNamesQuery,
  MetricNamesResponse,
  MetricsQueryRequest,
  MetricsQueryResponse,
} from '@sightline/model/api/metrics';
import type { StoreClients } from '@sightline/store/client-factory';
import { metricAttributes, metricNames } from '../sql/metrics-catalog.ts';
import { resolveGrid, resolveRange } from '../sql/metrics-grid.ts';
import { parseStep } from '../time-range.ts';
import { filtersSql, Params } from '../sql/metrics-keys.ts';
import { MAX_RANGE_STEPS, runMetricQuery } from '../sql/metrics-query.ts';

export interface MetricRouteOptions {
  readonly store: StoreClients;
}

// About 120 points when a query gives no step: a chart's width in pixels, roughly.
const AUTO_POINTS = 120;

export const metricRoutes: FastifyPluginCallbackTypebox<MetricRouteOptions> = (app, opts, done) => {
  const { reader, database } = opts.store;

  app.get(
    '/metrics/names',
    {
      schema: {
        summary: 'Metric names with data in the range: type, unit, description, temporality',
        querystring: MetricNamesQuery,
        response: { 200: MetricNamesResponse, 400: ErrorResponse },
      },
    },
    async (req) => {
      const range = resolveRange(req.query.from, req.query.to, Date.now());
      return metricNames(reader, database, {
        range,
        prefix: req.query.prefix,
        service: req.query.service,
        limit: req.query.limit ?? 1000,
      });
    },
  );

  app.get(
    '/metrics/:name/attributes',
    {
      schema: {
        summary: "A metric's attribute keys, or with ?key= the top values of one key",
        params: MetricNameParams,
        querystring: MetricAttributesQuery,
        response: { 200: MetricAttributesResponse, 400: ErrorResponse },
      },
    },
    async (req) => {
      const { key, service, limit } = req.query;
      const range = resolveRange(req.query.from, req.query.to, Date.now());
      const r = await metricAttributes(reader, database, {
        metric: req.params.name,
        range,
        key,
        service,
        limit: limit ?? 100,
      });
      return key === undefined
        ? {
            metric: req.params.name,
            keys: r.items.map((i) => ({ key: i.name, count: i.count })),
            truncated: r.truncated,
          }
        : {
            metric: req.params.name,
            key,
            values: r.items.map((i) => ({ value: i.name, count: i.count })),
            truncated: r.truncated,
          };
    },
  );

  app.post(
    '/metrics/query',
    {
      schema: {
        summary: 'Series of one or more metric queries (aggregation, filters, group-by, step)',
        description:
          'POST because a query is structured (filters, group-by keys, several queries per chart). ' +
          'Each query may override the request-level from/to/step.',
        body: MetricsQueryRequest,
        response: { 200: MetricsQueryResponse, 400: ErrorResponse },
      },
    },
    async (req) => {
      const now = Date.now();
      const body = req.body;
      // Validate every query's range before running any, so a bad one costs no store work.
      const grids = body.queries.map((q, i) => {
        const field = `queries[${i}]`;
        const from = q.from ?? body.from;
        const to = q.to ?? body.to;
        const range = resolveRange(from, to, now, {
          from: q.from !== undefined ? `${field}.from` : 'from',
          to: q.to !== undefined ? `${field}.to` : 'to',
        });
        filtersSql(q.filters ?? [], q.service, new Params(), `${field}.filters`);
        if (q.aggregation === 'quantile_over_time' && q.quantile === undefined) {
          throw new SightlineError(
            'SL_ERR_VALIDATION',
            400,
            `${field}.quantile: required for quantile_over_time (0 to 1)`,
          );
        }
        const step = q.step ?? body.step;
        const grid = resolveGrid(
          range,
          step,
          AUTO_POINTS,
          q.step !== undefined ? `${field}.step` : 'step',
        );
        const rangeMs =
          q.range === undefined ? undefined : parseStep(q.range, `${field}.range`) * 1000;
        if (rangeMs !== undefined && rangeMs > MAX_RANGE_STEPS * grid.stepMs) {
          throw new SightlineError(
            'SL_ERR_STEP',
            400,
            `${field}.range: ${q.range} spans more than ${MAX_RANGE_STEPS} steps of ${grid.stepMs / 1000}s; use a larger step`,
          );
        }
        return { grid, rangeMs };
      });
      const results = [];
      // One at a time: an embedded store runs a session's queries in turn anyway.
      for (const [i, query] of body.queries.entries()) {
        const g = grids[i];
        if (!g) continue;
        const field = `queries[${i}]`;
        results.push(await runMetricQuery(reader, database, { query, field, ...g }));
      }
      return { results };
    },
  );
  done();
};
