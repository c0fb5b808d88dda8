import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerErrorHandling } from './errors.ts';
import { nonFinitePath, refuseNonFiniteNumbers } from './finite-numbers.ts';

describe('non-finite numbers', () => {
  it('are found by path', () => {
    expect(nonFinitePath({ a: 1, b: [2, { c: Infinity }] }, 'body')).toBe('body/b/1/c');
    expect(nonFinitePath({ a: 1, b: 'Infinity' }, 'body')).toBeNull();
    expect(nonFinitePath(undefined, 'params')).toBeNull();
  });

  it('are refused with 400 naming the field, before the handler runs', async () => {
    const app = Fastify();
    registerErrorHandling(app);
    refuseNonFiniteNumbers(app);
    let handled = 0;
    app.get(
      '/x',
      {
        schema: {
          querystring: {
            type: 'object',
            properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } },
          },
        },
      },
      () => ({ handled: ++handled }),
    );
    const bad = await app.inject({ url: '/x?limit=1e309' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: { code: 'SL_ERR_VALIDATION', message: 'querystring/limit must be a finite number' },
    });
    expect((await app.inject({ url: '/x?limit=10' })).json()).toEqual({ handled: 1 });
    expect(handled).toBe(1);
  });
});
