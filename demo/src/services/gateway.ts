/** gateway: the shop's public API; routes each call to catalog, cart or checkout. */
import { counter } from '@sightline/sdk';
import { call, log, serve } from './kit.ts';

const sessions = counter('shop.gateway.checkouts', { description: 'checkout attempts' });

await serve((app) => {
  app.get('/api/products', () => call('catalog', '/products'));
  app.post<{ Params: { user: string }; Body: unknown }>('/api/cart/:user/items', (req) =>
    call('cart', `/carts/${encodeURIComponent(req.params.user)}/items`, {
      method: 'POST',
      body: req.body,
    }),
  );
  app.post<{ Params: { user: string } }>('/api/checkout/:user', async (req) => {
    sessions.add(1);
    log.info({ user: req.params.user }, 'checkout started');
    return call('checkout', `/checkout/${encodeURIComponent(req.params.user)}`, {
      method: 'POST',
      body: {},
    });
  });
});
