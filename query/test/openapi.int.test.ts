import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteOptions } from 'fastify';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import { buildQueryApp } from '../src/app.ts';

interface OpenApiOperation {
  summary?: string;
  parameters?: { in: string; name: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
}

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

/** fastify `/traces/:traceId` → OpenAPI `/traces/{traceId}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('OpenAPI', () => {
  it('documents every route the app registers, with its schemas', async () => {
    // A second app on the same store, only to see every route as it is added.
    const app = buildQueryApp({ store: s.store, version: 'test', maxTraceSpans: 1000 });
    const routes: RouteOptions[] = [];
    app.addHook('onRoute', (route) => {
      routes.push(route);
    });
    await app.ready();
    const served = await fetch(`${s.apiUrl}/api/v1/openapi.json`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/application\/json/);
    const doc = (await served.json()) as OpenApiDocument;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Sightline query API');

    const documented = routes
      .filter((r) => r.schema?.hide !== true)
      .flatMap((r) =>
        (Array.isArray(r.method) ? r.method : [r.method]).map((m) => ({ m, url: r.url })),
      )
      .filter(({ m }) => m !== 'HEAD');
    // The routes this file can name; others' routes are covered by the comparison below.
    const urls = documented.map((r) => `${r.m} ${r.url}`);
    expect(urls).toEqual(
      expect.arrayContaining([
        'GET /api/v1/health',
        'GET /api/v1/services',
        'GET /api/v1/services/:service/operations',
        'GET /api/v1/traces',
        'GET /api/v1/traces/:traceId',
        'GET /api/v1/traces/:traceId/critical-path',
        'GET /api/v1/saved-searches',
        'POST /api/v1/saved-searches',
        'GET /api/v1/saved-searches/:id',
        'DELETE /api/v1/saved-searches/:id',
      ]),
    );
    const missing = documented.filter(
      ({ m, url }) => !doc.paths[openApiPath(url)]?.[m.toLowerCase()],
    );
    expect(missing).toEqual([]);
    const extra = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter(
          (m) => !documented.some((r) => openApiPath(r.url) === path && r.m.toLowerCase() === m),
        )
        .map((m) => `${m} ${path}`),
    );
    expect(extra).toEqual([]);
    // Nothing served by the docs UI or the document itself leaks into the document.
    expect(
      Object.keys(doc.paths).filter((p) => p.includes('/docs') || p.endsWith('openapi.json')),
    ).toEqual([]);

    // What each route declares in code appears in the document: inputs and every response.
    for (const route of documented) {
      const name = `${route.m} ${route.url}`;
      const op = doc.paths[openApiPath(route.url)]?.[route.m.toLowerCase()];
      const schema = routes.find(
        (r) =>
          r.url === route.url &&
          (Array.isArray(r.method) ? r.method : [r.method]).includes(route.m),
      )?.schema as
        | {
            querystring?: { properties?: object };
            params?: { properties?: object };
            body?: unknown;
            response?: Record<string, unknown>;
          }
        | undefined;
      const declaredParams = [
        ...Object.keys(schema?.querystring?.properties ?? {}).map((n) => `query:${n}`),
        ...Object.keys(schema?.params?.properties ?? {}).map((n) => `path:${n}`),
      ].sort();
      const declaredResponses = Object.keys(schema?.response ?? {}).sort();
      expect({
        name,
        params: (op?.parameters ?? []).map((p) => `${p.in}:${p.name}`).sort(),
        body: op?.requestBody !== undefined,
        // A 204 has no body, so it is documented without content.
        responses: declaredResponses.filter((code) =>
          code === '204'
            ? op?.responses[code] !== undefined
            : op?.responses[code]?.content?.['application/json']?.schema !== undefined,
        ),
      }).toEqual({
        name,
        params: declaredParams,
        body: schema?.body !== undefined,
        responses: declaredResponses,
      });
    }
    expect(documented.filter((r) => r.url.startsWith('/api/v1/traces')).length).toBe(3);

    const search = doc.paths['/api/v1/traces']?.get;
    expect(search?.parameters?.map((p) => `${p.in}:${p.name}`).sort()).toEqual(
      [
        'cursor',
        'from',
        'limit',
        'maxDuration',
        'minDuration',
        'operation',
        'q',
        'selfTelemetry',
        'service',
        'status',
        'to',
      ].map((n) => `query:${n}`),
    );
    expect(search?.responses['400']).toBeDefined();
    expect(search?.parameters?.find((p) => p.name === 'limit')).toMatchObject({
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
    });
    expect(search?.parameters?.find((p) => p.name === 'status')?.schema).toEqual({
      enum: ['ok', 'error', 'unset'],
    });
    expect(
      doc.paths['/api/v1/traces/{traceId}']?.get?.parameters?.map((p) => `${p.in}:${p.name}`),
    ).toEqual(['path:traceId']);
    expect(
      JSON.stringify(doc.paths['/api/v1/traces/{traceId}/critical-path']?.get?.responses['200']),
    ).toContain('rootSpanMissing');
    // Log search, histogram and facets take the same self-telemetry switch as trace search.
    for (const path of ['/api/v1/logs', '/api/v1/logs/histogram', '/api/v1/logs/facets']) {
      const param = doc.paths[path]?.get?.parameters?.find((p) => p.name === 'selfTelemetry');
      expect(param?.schema, path).toMatchObject({ default: 'hide' });
    }
    expect(doc.paths['/api/v1/saved-searches']?.post?.responses['400']).toBeDefined();
    await app.close();
  });

  it('serves the browsable docs', async () => {
    const res = await fetch(`${s.apiUrl}/api/v1/docs`, { redirect: 'follow' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('swagger-ui');
  });
});
