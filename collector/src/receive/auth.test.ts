import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { SightlineError } from '@sightline/model/errors';
import { guardReceiveApp, receiveScope, type GuardedRoute } from './auth.ts';

describe('receive auth', () => {
  it('asks ingest for telemetry, read for scrapes, nothing for health checks', () => {
    expect(receiveScope('/v1/traces')).toBe('ingest');
    expect(receiveScope('/api/v2/spans')).toBe('ingest');
    expect(receiveScope('/metrics')).toBe('read');
    expect(receiveScope('/health')).toBe('public');
    expect(receiveScope('/ready')).toBe('public');
  });

  it('records each route and checks each request for its scope', async () => {
    const app = Fastify();
    const routes: GuardedRoute[] = [];
    const asked: string[] = [];
    guardReceiveApp(
      app,
      (headers, scope) => {
        asked.push(scope);
        return headers['x-sightline-key'] === 'good'
          ? Promise.resolve()
          : Promise.reject(new SightlineError('SL_ERR_UNAUTHENTICATED', 401, 'no'));
      },
      routes,
    );
    app.post('/v1/logs', () => ({ ok: true }));
    app.get('/health', () => ({ ok: true }));
    expect(routes).toEqual([
      { method: 'POST', url: '/v1/logs', scope: 'ingest' },
      { method: 'GET', url: '/health', scope: 'public' },
    ]);
    expect((await app.inject({ method: 'POST', url: '/v1/logs' })).statusCode).toBe(401);
    const ok = await app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { 'x-sightline-key': 'good' },
    });
    expect(ok.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect(asked).toEqual(['ingest', 'ingest']);
  });
});
