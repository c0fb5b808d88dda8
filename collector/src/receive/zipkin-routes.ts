import type { FastifyPluginCallback } from 'fastify';
import { SightlineError } from '@sightline/model/errors';
import { batchSize } from '@sightline/model/rows';
import { ItemError } from '../otlp/item-error.ts';
import { decodeZipkinBody, zipkinEncodingOf } from '../zipkin/decode-spans.ts';
import { zipkinToOtlp } from '../zipkin/to-otlp.ts';
import type { ReceiveAppOptions } from './app.ts';
import { decompress } from './decode-body.ts';
import { useTextErrors } from './text-errors.ts';
import { toRows } from './to-rows.ts';

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
    let mapped: ReturnType<typeof toRows>;
    try {
      mapped = toRows('traces', converted.request, opts.limits);
    } catch (err) {
      if (err instanceof ItemError)
        throw new SightlineError('SL_ERR_BAD_REQUEST', 400, err.message);
      throw err;
    }
    const accepted = batchSize(mapped.batch);
    if (accepted > 0) await opts.sink.submit('traces', converted.request, mapped.batch);
    const rejected = converted.rejected.count + mapped.rejected.count;
    opts.observer?.items('traces', accepted, rejected);
    if (rejected > 0) {
      const reasons = [converted.rejected.message(), mapped.rejected.message()].filter(Boolean);
      throw new SightlineError(
        'SL_ERR_BAD_REQUEST',
        400,
        `${reasons.join('; ')}${accepted > 0 ? ` (the other ${accepted} spans were stored)` : ''}`,
      );
    }
    return reply.code(202).send();
  });
  done();
};
