import type { FastifyError, FastifyInstance } from 'fastify';
import { SightlineError } from '@sightline/model/errors';
import { PromQLError, type PromQLErrorType } from '../../promql/errors.ts';

/** Error types of this API beyond the query engine's: Prometheus clients show `error` whatever the type. */
export type PromErrorType = PromQLErrorType | 'not_found' | 'unauthorized' | 'forbidden';

/** Prometheus' HTTP status per error type (web/api/v1: canceled is nginx's 499). */
export const STATUS_OF: Record<PromErrorType, number> = {
  bad_data: 400,
  execution: 422,
  canceled: 499,
  timeout: 503,
  unavailable: 503,
  internal: 500,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
};

export interface PromSuccess<T> {
  readonly status: 'success';
  readonly data: T;
  readonly warnings?: readonly string[];
}

export const success = <T>(data: T, warnings: readonly string[] = []): PromSuccess<T> =>
  warnings.length > 0 ? { status: 'success', data, warnings } : { status: 'success', data };

const SIGHTLINE_TYPES: Record<number, PromErrorType> = {
  400: 'bad_data',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  503: 'unavailable',
};

/** Any error met under /prometheus, in Prometheus' words: its type and message. */
export function promErrorOf(err: unknown): {
  type: PromErrorType;
  status: number;
  message: string;
} {
  if (err instanceof PromQLError) {
    return { type: err.errorType, status: STATUS_OF[err.errorType], message: err.message };
  }
  if (err instanceof SightlineError) {
    const type =
      SIGHTLINE_TYPES[err.statusCode] ?? (err.statusCode < 500 ? 'bad_data' : 'internal');
    return { type, status: err.statusCode, message: err.message };
  }
  const fe = err as Partial<FastifyError>;
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const type = SIGHTLINE_TYPES[fe.statusCode] ?? 'bad_data';
    return { type, status: fe.statusCode, message: fe.message ?? 'bad request' };
  }
  return { type: 'internal', status: 500, message: 'internal error; see the server log' };
}

/**
 * Errors under /prometheus leave in Prometheus' envelope `{status: "error", errorType, error}`,
 * including a refused credential or a rate limit (Grafana and promtool show `error`).
 */
export function promErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const e = promErrorOf(err);
    if (e.status >= 500 && e.type === 'internal') req.log.error({ err }, 'prometheus API failed');
    // Its client is gone (or gave up): the answer reaches no one, the log says what happened.
    if (e.type === 'canceled' || e.type === 'timeout')
      req.log.info({ errorType: e.type, url: req.url }, `prometheus API query ${e.type}`);
    if (err instanceof SightlineError && err.retryAfterSeconds !== undefined)
      void reply.header('retry-after', String(err.retryAfterSeconds));
    return reply.code(e.status).send({ status: 'error', errorType: e.type, error: e.message });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      status: 'error',
      errorType: 'not_found',
      error: `no route ${req.method} ${req.url.split('?')[0] ?? ''}`,
    }),
  );
}
