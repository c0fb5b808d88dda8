import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { checkReadiness, serveReadiness } from './readiness.ts';

describe('readiness', () => {
  it('is ready only when every probe answers, naming the ones that do not', async () => {
    const result = await checkReadiness({
      store: () => Promise.resolve(),
      kafka: () => Promise.reject(new Error('Connection refused')),
    });
    expect(result).toEqual({
      status: 'not ready',
      checks: { store: { ok: true }, kafka: { ok: false, error: 'Connection refused' } },
    });
    expect(await checkReadiness({ store: () => Promise.resolve() })).toEqual({
      status: 'ready',
      checks: { store: { ok: true } },
    });
  });

  it('counts a probe that hangs as failed', async () => {
    const result = await checkReadiness({ store: () => new Promise<void>(() => {}) }, 50);
    expect(result.checks.store).toEqual({ ok: false, error: 'no answer within 50 ms' });
  });

  it('serves 200 or 503 on GET /ready', async () => {
    let up = true;
    const app = Fastify();
    serveReadiness(app, {
      store: () => (up ? Promise.resolve() : Promise.reject(new Error('down'))),
    });
    expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
    up = false;
    const res = await app.inject({ url: '/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'not ready',
      checks: { store: { ok: false, error: 'down' } },
    });
    await app.close();
  });
});
