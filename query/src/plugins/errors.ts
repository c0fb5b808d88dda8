import type { FastifyError, FastifyInstance } from 'fastify';
import { SightlineError } from '@sightline/model/errors';

/** Every error leaves as { error: { code, message, requestId } }; no stack trace reaches a client. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | SightlineError, req, reply) => {
    if (err instanceof SightlineError) {
      if (err.retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(err.retryAfterSeconds));
      return reply
        .code(err.statusCode)
        .send({ error: { code: err.code, message: err.message, requestId: req.id } });
    }
    if (err.validation) {
      return reply.code(400).send({
        error: { code: 'SL_ERR_VALIDATION', message: err.message, requestId: req.id },
      });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({
        error: { code: err.code ?? 'SL_ERR_BAD_REQUEST', message: err.message, requestId: req.id },
      });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({
      error: {
        code: 'SL_ERR_INTERNAL',
        message: 'internal error; see the server log',
        requestId: req.id,
      },
    });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      error: {
        code: 'SL_ERR_NOT_FOUND',
        message: `no route ${req.method} ${req.url}`,
        requestId: req.id,
      },
    }),
  );
}
