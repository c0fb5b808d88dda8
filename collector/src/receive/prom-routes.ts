import type { FastifyPluginCallback } from 'fastify';
import { SightlineError } from '@sightline/model/errors';
import { checkWriteHeaders, decodeWriteRequest } from '../prom/decode-write.ts';
import { MetadataCache } from '../prom/metadata-cache.ts';
import { StartTimes } from '../prom/start-times.ts';
import { remoteWriteToOtlp } from '../prom/to-otlp.ts';
import type { ReceiveAppOptions } from './app.ts';
import { useTextErrors } from './text-errors.ts';
import { acceptRequest, refuseRejected } from './to-rows.ts';

/**
 * Prometheus remote write 1.0: POST /api/v1/write → 204 once stored. Replies follow the
 * remote-write spec: 400 for a payload that cannot be used (Prometheus drops it, never retries),
 * 429/503 with Retry-After when the store or queue refuses (Prometheus retries those). As in
 * Prometheus' own receiver, bad series are reported in a 400 after the good ones are stored.
 */
export const promRoutes: FastifyPluginCallback<ReceiveAppOptions> = (app, opts, done) => {
  useTextErrors(app, opts.bodyLimitBytes);
  const metadata = new MetadataCache();
  const starts = new StartTimes();
  if (opts.observer) {
    const observer = opts.observer;
    app.addHook('onResponse', (_req, reply, next) => {
      observer.request('metrics', reply.statusCode, reply.elapsedTime / 1000);
      next();
    });
  }

  app.post('/api/v1/write', async (req, reply) => {
    checkWriteHeaders(req.headers['content-type'], req.headers['content-encoding']);
    if (!Buffer.isBuffer(req.body))
      throw new SightlineError('SL_ERR_EMPTY_BODY', 400, 'the request has no body');
    const converted = remoteWriteToOtlp(
      decodeWriteRequest(req.body, opts.bodyLimitBytes),
      metadata,
      starts,
    );
    const acceptance = await acceptRequest(opts, 'metrics', converted.request, converted.rejected);
    refuseRejected(acceptance, 'samples');
    return reply.code(204).send();
  });
  done();
};
