import type { FastifyPluginCallback } from 'fastify';
import { SightlineError } from '@sightline/model/errors';
import { decodeZipkinBody, zipkinEncodingOf } from '../zipkin/decode-spans.ts';
import { zipkinToOtlp } from '../zipkin/to-otlp.ts';
import type { ReceiveAppOptions } from './app.ts';
import { decompress } from './decode-body.ts';
import { useTextErrors } from './text-errors.ts';
import { acceptRequest, refuseRejected } from './to-rows.ts';

/**
 * Zipkin v2: POST /api/v2/spans (JSON or protobuf, gzip or not) → 202 once stored. Spans are
 * converted to an OTLP request and take the OTLP path from there (same rows, limits and
 * acknowledgement). Zipkin has no partial success: when some spans are bad, the rest are stored
 * and the reply is a 400 naming the first bad field (Zipkin clients do not retry a 400).
 */
export const zipkinRoutes: FastifyPluginCallback<ReceiveAppOptions> = (app, opts, done) => {
  useTextErrors(app, opts.bodyLimitBytes);
  if (opts.observer) {
    const observer = opts.observer;
    app.addHook('onResponse', (_req, reply, next) => {
      observer.request('traces', reply.statusCode, reply.elapsedTime / 1000);
      next();
    });
  }

  app.post('/api/v2/spans', async (req, reply) => {
    const encoding = zipkinEncodingOf(req.headers['content-type']);
    if (!Buffer.isBuffer(req.body))
      throw new SightlineError('SL_ERR_EMPTY_BODY', 400, 'the request has no body');
    const raw = await decompress(req.body, req.headers['content-encoding'], opts.bodyLimitBytes);
    const converted = zipkinToOtlp(decodeZipkinBody(encoding, raw));
    const acceptance = await acceptRequest(opts, 'traces', converted.request, converted.rejected);
    refuseRejected(acceptance, 'spans');
    return reply.code(202).send();
  });
  done();
};
