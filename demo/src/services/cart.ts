/**
 * cart: shopping carts in memory. The service the demo lets die: after a random number of
 * requests it "runs out of memory" and exits; the demo runner restarts it (with empty carts).
 */
import { counter, gauge, shutdown } from '@sightline/sdk';
import { crashThreshold, errorMonkey } from './chaos.ts';
import { call, log, serve } from './kit.ts';

interface Item {
  productId: string;
  name: string;
  price: number;
  quantity: number;
}

const carts = new Map<string, Item[]>();
const itemsAdded = counter('shop.cart.items_added', { description: 'items put in carts' });
const openCarts = gauge('shop.cart.open_carts', { description: 'carts with items' });
const crashAfter = crashThreshold();
let handled = 0;

await serve((app) => {
  app.addHook('onResponse', (_req, _reply, done) => {
    handled += 1;
    done();
    if (handled === crashAfter) {
      log.fatal({ handled, carts: carts.size }, 'out of memory (simulated): cart is going down');
      // A real crash would lose what is still buffered; finish the requests under way and flush,
      // so the last words reach Sightline.
      void app
        .close()
        .then(() => shutdown())
        .finally(() => process.exit(1));
    }
  });
  app.post<{ Params: { user: string }; Body: { productId: string; quantity?: number } }>(
    '/carts/:user/items',
    async (req) => {
      errorMonkey(0.02, 500, 'cart store write conflict');
      const product = await call<{ id: string; name: string; price: number }>(
        'catalog',
        `/products/${encodeURIComponent(req.body.productId)}`,
      );
      const quantity = req.body.quantity ?? 1;
      const cart = carts.get(req.params.user) ?? [];
      cart.push({ productId: product.id, name: product.name, price: product.price, quantity });
      carts.set(req.params.user, cart);
      itemsAdded.add(quantity, { product: product.id });
      openCarts.set(carts.size);
      log.info({ user: req.params.user, product: product.id, quantity }, 'item added to cart');
      return { items: cart.length };
    },
  );
  app.get<{ Params: { user: string } }>('/carts/:user', (req) => ({
    user: req.params.user,
    items: carts.get(req.params.user) ?? [],
  }));
  app.delete<{ Params: { user: string } }>('/carts/:user', (req) => {
    carts.delete(req.params.user);
    openCarts.set(carts.size);
    return { emptied: true };
  });
});
