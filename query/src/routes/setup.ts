import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { SetupResponse } from '@sightline/model/api/setup';

export interface IngestEndpoints {
  readonly otlpHttp?: string | undefined;
  readonly otlpGrpc?: string | undefined;
}

export interface SetupRouteOptions {
  /** Read on every request: the listeners' URLs are known only once they listen. */
  readonly endpoints: () => IngestEndpoints;
  readonly auth: boolean;
}

export const setupRoutes: FastifyPluginCallbackTypebox<SetupRouteOptions> = (app, opts, done) => {
  app.get(
    '/setup',
    {
      schema: {
        summary: 'Where to send telemetry to this Sightline, and whether it needs an ingest key',
        response: { 200: SetupResponse },
      },
    },
    () => {
      const { otlpHttp, otlpGrpc } = opts.endpoints();
      return {
        ...(otlpHttp ? { otlpHttp } : {}),
        ...(otlpGrpc ? { otlpGrpc } : {}),
        auth: opts.auth,
      };
    },
  );
  done();
};
