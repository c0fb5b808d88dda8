import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export interface OpenApiOptions {
  readonly version: string;
  /** Where the API lives; the document and the docs page are served under it. */
  readonly prefix: string;
}

/**
 * Serves the OpenAPI 3.1 document of every route at `<prefix>/openapi.json` and a browsable view
 * at `<prefix>/docs`. Call it BEFORE registering any route: the document is assembled from an
 * onRoute hook, so a route registered earlier would be missing from it. Schemas come from the
 * route definitions themselves (model/src/api), so the document cannot drift from the code.
 */
export function registerOpenApi(app: FastifyInstance, opts: OpenApiOptions): void {
  void app.register(swagger, {
    openapi: {
      // 3.1: its schema objects are JSON Schema, which is what the TypeBox schemas are (const, etc.).
      openapi: '3.1.0',
      info: {
        title: 'Sightline query API',
        version: opts.version,
        description:
          'Traces, logs and metrics stored by Sightline. Errors are { error: { code, message, requestId } } with a stable SL_ERR_… code.',
      },
    },
    convertConstToEnum: false,
  });
  void app.register(swaggerUi, { routePrefix: `${opts.prefix}/docs` });
  app.get(`${opts.prefix}/openapi.json`, { schema: { hide: true } }, () => app.swagger());
}
