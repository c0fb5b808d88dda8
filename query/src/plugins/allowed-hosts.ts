import type { FastifyInstance } from 'fastify';
import { SightlineError } from '@sightline/model/errors';

/** The host name of a Host header, lower case, without port or IPv6 brackets; '' when absent. */
export function hostName(header: string | undefined): string {
  const raw = (header ?? '').trim().toLowerCase();
  if (raw.startsWith('[')) return raw.slice(1, raw.indexOf(']') < 0 ? undefined : raw.indexOf(']'));
  const colon = raw.lastIndexOf(':');
  return colon < 0 ? raw : raw.slice(0, colon);
}

/**
 * Answers only requests addressed to one of `hosts`. Without credentials (auth off, loopback), a
 * web page on a domain that re-binds its DNS to 127.0.0.1 could otherwise read every answer of
 * the API from the visitor's browser: such a request still says its own domain in `Host`.
 */
export function allowOnlyHosts(app: FastifyInstance, hosts: readonly string[]): void {
  // Entries are bare names or addresses (`::1`, `[::1]`, `example.com`), never with a port.
  const allowed = new Set(
    hosts.map((h) =>
      h
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/, '$1'),
    ),
  );
  const list = [...allowed].join(', ');
  app.addHook('onRequest', (req, _reply, done) => {
    const name = hostName(req.headers.host);
    if (name === '' || allowed.has(name)) {
      done();
      return;
    }
    done(
      new SightlineError(
        'SL_ERR_HOST_NOT_ALLOWED',
        421,
        `this Sightline does not answer to host '${name}' (it answers to ${list}); add it to SIGHTLINE_ALLOWED_HOSTS if it is yours`,
      ),
    );
  });
}
