import type { FastifyInstance } from 'fastify';
import { SightlineError } from '@sightline/model/errors';

/** The path of the first Infinity or NaN in a parsed request part, or null. */
export function nonFinitePath(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (depth > 32 || typeof value !== 'object' || value === null) return null;
  for (const [key, v] of Object.entries(value)) {
    const found = nonFinitePath(v, `${path}/${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * `1e309` is a valid JSON number and a number-looking query string, and both become Infinity,
 * which schema validation lets through for integers; no route means it, so refuse it by name.
 */
export function refuseNonFiniteNumbers(app: FastifyInstance): void {
  app.addHook('preHandler', (req, _reply, done) => {
    const at =
      nonFinitePath(req.query, 'querystring') ??
      nonFinitePath(req.params, 'params') ??
      nonFinitePath(req.body, 'body');
    if (at) {
      done(new SightlineError('SL_ERR_VALIDATION', 400, `${at} must be a finite number`));
      return;
    }
    done();
  });
}
