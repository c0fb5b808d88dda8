import type { FastifyInstance } from 'fastify';
import { SightlineError } from '@sightline/model/errors';

/** Seconds an exporter is asked to wait before it sends again to a stopping Sightline. */
export const CLOSING_RETRY_AFTER_SECONDS = 5;

/**
 * Once the listener is closing, a request that still arrives (pipelined, or on a keep-alive
 * connection not yet closed) is answered 503 in the error format of its own protocol, with
 * Retry-After so exporters retry (against another instance, or this one restarted), and with
 * `Connection: close` so the client opens a new connection instead of reusing this one.
 */
export function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_req, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    void reply.header('connection', 'close');
    done(
      new SightlineError(
        'SL_ERR_SHUTTING_DOWN',
        503,
        'Sightline is stopping: nothing of this request was accepted; send it again',
        CLOSING_RETRY_AFTER_SECONDS,
      ),
    );
  });
}
