import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import {
  PromError,
  PromExemplarQuery,
  PromFormatQuery,
  PromInstantQuery,
  PromLabelParams,
  PromMetadataQuery,
  PromRangeQuery,
  PromSeriesQuery,
  PromSuccess,
} from '@sightline/model/api/prometheus';
import { SightlineError } from '@sightline/model/errors';
import type { StoreClients } from '@sightline/store/client-factory';
import { PromQLError } from '../../promql/errors.ts';
import {
  evaluateInstant,
  evaluateRange,
  type PromQLContext,
  type PromQLLimits,
} from '../../promql/evaluate.ts';
import { sortedLabels } from '../../promql/format.ts';
import { parsePromQL } from '../../promql/parse.ts';
import { prettyText } from '../../promql/pretty.ts';
import { promErrorHandling, success } from './envelope.ts';
import { queryExemplars } from './exemplars.ts';
import { metadata } from './metadata.ts';
import { invalidParam, MAX_TIME_MS, MIN_TIME_MS, PromParams } from './params.ts';
import { labelNamesSql, labelValuesSql, parseMatchers, seriesSql } from './series-sql.ts';

/** Prometheus' own defaults (--query.timeout 2m, --query.max-samples 50M). */
export const DEFAULT_PROMQL_LIMITS: PromQLLimits = {
  maxSeries: 500_000,
  maxSamples: 50_000_000,
  timeoutMs: 120_000,
};

export interface PrometheusRouteOptions {
  readonly store: StoreClients;
  readonly version: string;
  readonly limits: PromQLLimits;
}

/** The Prometheus API version whose behaviour this one follows (Grafana picks features by it). */
export const PROMETHEUS_API_VERSION = '2.53.0';
const TRUNCATED = 'results truncated due to limit';

const FORM = 'application/x-www-form-urlencoded';
const plainJson = () => (data: unknown) => JSON.stringify(data);

const paramsOf = (req: FastifyRequest): PromParams =>
  new PromParams(req.url.split('?')[1] ?? '', typeof req.body === 'string' ? req.body : undefined);

/**
 * The Prometheus HTTP API (`api/v1/…`) under /prometheus: what Grafana's Prometheus data source
 * and promtool call. Every endpoint answers GET and POST (form-encoded) alike; answers and errors
 * use Prometheus' envelope.
 */
export function prometheusRoutes(
  app: FastifyInstance,
  opts: PrometheusRouteOptions,
  done: (err?: Error) => void,
): void {
  const { reader, database } = opts.store;
  promErrorHandling(app);
  // Forms keep their raw text: PromParams reads repeated keys (match[]) in Prometheus' order.
  app.addContentTypeParser(FORM, { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const route = (
    methods: readonly ('GET' | 'POST')[],
    url: string,
    schema: FastifySchema,
    handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ): void => {
    app.route({
      method: [...methods],
      url,
      schema: {
        tags: ['prometheus'],
        ...schema,
        response: {
          200: PromSuccess,
          ...Object.fromEntries([400, 401, 403, 422, 499, 500, 503].map((c) => [c, PromError])),
        },
      },
      // The schemas document the API; parameters are read and checked by PromParams, as
      // Prometheus reads them (from the form body too, with its own messages).
      validatorCompiler: () => () => true,
      serializerCompiler: plainJson,
      handler,
    });
  };

  const context = (reply: FastifyReply, p: PromParams): PromQLContext => {
    const asked = p.duration('timeout');
    if (asked !== undefined && asked <= 0) throw invalidParam('timeout', 'must be positive');
    const controller = new AbortController();
    // A client that hangs up cancels its query.
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    return {
      client: reader,
      database,
      limits: { ...opts.limits, timeoutMs: Math.min(asked ?? Infinity, opts.limits.timeoutMs) },
      signal: controller.signal,
    };
  };

  const limitResult = (data: { resultType: string; result: unknown }, limit: number) => {
    if (limit === 0 || !Array.isArray(data.result) || data.result.length <= limit)
      return { data, warnings: [] };
    return { data: { ...data, result: data.result.slice(0, limit) }, warnings: [TRUNCATED] };
  };

  route(
    ['GET', 'POST'],
    '/api/v1/query',
    { summary: 'PromQL instant query', querystring: PromInstantQuery },
    async (req, reply) => {
      const p = paramsOf(req);
      const time = p.time('time', Date.now());
      const limit = p.limit();
      const ctx = context(reply, p);
      const r = await evaluateInstant(ctx, p.get('query'), time);
      const cut = limitResult(r.data, limit);
      return success(cut.data, [...r.warnings, ...cut.warnings]);
    },
  );

  route(
    ['GET', 'POST'],
    '/api/v1/query_range',
    { summary: 'PromQL range query', querystring: PromRangeQuery },
    async (req, reply) => {
      const p = paramsOf(req);
      const start = p.time('start');
      const end = p.time('end');
      if (end < start) throw invalidParam('end', 'end timestamp must not be before start time');
      const step = p.duration('step');
      if (step === undefined) throw invalidParam('step', 'cannot parse "" to a valid duration');
      if (step <= 0) {
        throw invalidParam(
          'step',
          'zero or negative query resolution step widths are not accepted. Try a positive integer',
        );
      }
      const limit = p.limit();
      const ctx = context(reply, p);
      const r = await evaluateRange(ctx, p.get('query'), start, end, step);
      const cut = limitResult(r.data, limit);
      return success(cut.data, [...r.warnings, ...cut.warnings]);
    },
  );

  /** match[], start, end and limit, as /series, /labels and /label/…/values read them. */
  const seriesParams = (p: PromParams) => ({
    window: {
      selectors: parseMatchers(p.all('match[]')),
      fromMs: p.time('start', MIN_TIME_MS),
      toMs: p.time('end', MAX_TIME_MS),
    },
    limit: p.limit(),
  });

  /** Up to `limit` rows (else up to maxSeries, past which the answer is an error), warned when cut. */
  const listed = async <T>(
    build: (max: number) => { sql: string; params: Record<string, unknown> },
    limit: number,
    what: string,
  ): Promise<{ rows: T[]; warnings: string[] }> => {
    const cap = limit > 0 ? limit : opts.limits.maxSeries;
    const { sql, params } = build(cap + 1);
    const rs = await reader.query({
      query: sql,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: {
        max_execution_time: Math.ceil(opts.limits.timeoutMs / 1000),
        // Each match[] adds one read per table family (~85 KiB of SQL); the default is 256 KiB.
        max_query_size: '4194304',
      },
    });
    const rows = await rs.json<T>();
    if (rows.length <= cap) return { rows, warnings: [] };
    if (limit > 0) return { rows: rows.slice(0, cap), warnings: [TRUNCATED] };
    throw new PromQLError(
      'execution',
      `more than ${cap} ${what} match; narrow match[] or the time range, or pass limit`,
    );
  };

  /** A list of names or values (column `v`) in the envelope. */
  const strings = async (
    build: (max: number) => { sql: string; params: Record<string, unknown> },
    limit: number,
    what: string,
  ) => {
    const r = await listed<{ v: string }>(build, limit, what);
    return success(
      r.rows.map((row) => row.v),
      r.warnings,
    );
  };

  route(
    ['GET', 'POST'],
    '/api/v1/series',
    { summary: 'Series (label sets) matching selectors', querystring: PromSeriesQuery },
    async (req) => {
      const p = paramsOf(req);
      if (p.all('match[]').length === 0) {
        throw new PromQLError('bad_data', 'no match[] parameter provided');
      }
      const { window, limit } = seriesParams(p);
      const r = await listed<{ ls: Record<string, string> }>(
        (max) => seriesSql(window, max, database),
        limit,
        'series',
      );
      return success(
        r.rows.map((row) => sortedLabels(row.ls)),
        r.warnings,
      );
    },
  );

  route(
    ['GET', 'POST'],
    '/api/v1/labels',
    { summary: 'Label names', querystring: PromSeriesQuery },
    async (req) => {
      const { window, limit } = seriesParams(paramsOf(req));
      return strings((max) => labelNamesSql(window, max, database), limit, 'label names');
    },
  );

  route(
    ['GET'],
    '/api/v1/label/:name/values',
    { summary: "A label's values", params: PromLabelParams, querystring: PromSeriesQuery },
    async (req) => {
      const { name } = req.params as { name: string };
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) {
        throw new PromQLError('bad_data', `invalid label name: "${name}"`);
      }
      const { window, limit } = seriesParams(paramsOf(req));
      return strings((max) => labelValuesSql(window, name, max, database), limit, 'label values');
    },
  );

  route(
    ['GET'],
    '/api/v1/metadata',
    { summary: 'Metric families: type, help and unit', querystring: PromMetadataQuery },
    async (req) => success(await metadata(reader, database, paramsOf(req), opts.limits.maxSeries)),
  );

  route(
    ['GET', 'POST'],
    '/api/v1/query_exemplars',
    {
      summary: 'Exemplars (trace and span ids) of the series a query selects',
      querystring: PromExemplarQuery,
    },
    async (req) =>
      success(await queryExemplars(reader, database, paramsOf(req), opts.limits.maxSamples)),
  );

  // Before the dashboard's catch-all can answer an unknown path here with its page.
  app.route({
    method: ['GET', 'POST'],
    url: '/*',
    schema: { hide: true },
    handler: (req) => {
      throw new SightlineError(
        'SL_ERR_NOT_FOUND',
        404,
        `no route ${req.method} ${req.url.split('?')[0] ?? ''}`,
      );
    },
  });

  route(
    ['GET', 'POST'],
    '/api/v1/format_query',
    {
      summary: 'A PromQL expression in Prometheus’s prettified form',
      querystring: PromFormatQuery,
    },
    (req) => {
      const query = paramsOf(req).get('query');
      let expr;
      try {
        expr = parsePromQL(query);
      } catch (e) {
        if (e instanceof PromQLError) throw invalidParam('query', e.message);
        throw e;
      }
      return Promise.resolve(success(prettyText(expr)));
    },
  );

  route(['GET'], '/api/v1/status/buildinfo', { summary: 'Build information' }, () =>
    Promise.resolve(
      success({
        version: PROMETHEUS_API_VERSION,
        revision: `sightline-${opts.version}`,
        branch: 'sightline',
        buildUser: 'sightline',
        buildDate: '',
        goVersion: `none (Sightline ${opts.version} on Node ${process.versions.node})`,
      }),
    ),
  );
  done();
}
