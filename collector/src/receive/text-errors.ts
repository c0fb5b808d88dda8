import type { FastifyInstance } from 'fastify';
import { SightlineError } from '@sightline/model/errors';

/**
 * Error replies as plain text, for receivers of protocols whose clients log the body as it is
 * (Zipkin, Prometheus remote write) instead of reading an OTLP Status. Sets the handler on `app`,
 * an encapsulated plugin context, so the OTLP routes keep theirs.
 */
export function useTextErrors(app: FastifyInstance, bodyLimitBytes: number): void {
  app.setErrorHandler((err, req, reply) => {
    const send = (status: number, message: string) =>
      reply.code(status).type('text/plain; charset=utf-8').send(message);
    if (err instanceof SightlineError) {
      if (err.retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(err.retryAfterSeconds));
      return send(err.statusCode, err.message);
    }
    const fe = err as { statusCode?: number; code?: string; message: string };
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return send(413, `the body exceeds the limit of ${bodyLimitBytes} bytes`);
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
      return send(fe.statusCode, fe.message);
    req.log.error({ err }, `${req.url} request failed`);
    return send(500, `internal error (request ${req.id})`);
  });
}
