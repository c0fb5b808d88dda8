/**
 * What every demo service shares: a fastify app on $PORT, the SDK's correlated pino logger,
 * errors answered as `{ error }` with their status, and calls to other services that turn their
 * failures into errors with a status. The SDK itself is loaded by the preload
 * (`--import @sightline/sdk/register`), before this module.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger, shutdown } from '@sightline/sdk';

export const service = process.env.OTEL_SERVICE_NAME ?? 'shop';
export const log = createLogger();

/** An error that carries the HTTP status to answer with. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The base URL of another service, from `<NAME>_URL`. */
export function upstream(name: string): string {
  const variable = `${name.toUpperCase()}_URL`;
  const url = process.env[variable];
  if (url === undefined) throw new Error(`${service}: ${variable} is not set`);
  return url;
}

/**
 * Calls another service and returns its JSON body. Its 4xx answers keep their status; a 5xx
 * or an unreachable service becomes a 502 / 503 here.
 */
export async function call<T>(
  name: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${upstream(name)}${path}`, {
      method: init.method ?? 'GET',
      ...(init.body === undefined
        ? {}
        : { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
    });
  } catch (err) {
    // fetch reports "fetch failed"; the reason (ECONNREFUSED, …) is in its cause.
    const cause = (err as Error & { cause?: { code?: string } }).cause;
    throw new HttpError(503, `${name} unavailable: ${cause?.code ?? (err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (res.status >= 500) throw new HttpError(502, `${name} failed: ${body.error ?? res.status}`);
  if (res.status >= 400) throw new HttpError(res.status, body.error ?? `${name}: ${res.status}`);
  return body;
}

/** Builds the app with `routes`, listens on $PORT and says so. */
export async function serve(routes: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify();
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) log.error({ err, route: req.routeOptions.url }, err.message);
    else log.warn({ route: req.routeOptions.url, status }, err.message);
    void reply.code(status).send({ error: err.message });
  });
  routes(app);
  const port = Number(process.env.PORT ?? '0');
  await app.listen({ port, host: '127.0.0.1' });
  log.info({ port }, `${service} listening`);

  // The demo runner holds our stdin: if it goes away without stopping us, we go too.
  process.stdin.once('end', () => {
    void shutdown().finally(() => process.exit(0));
  });
  process.stdin.resume();
  return app;
}
