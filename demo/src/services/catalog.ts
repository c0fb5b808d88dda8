/** catalog: the products and their prices. Latency Monkey makes it slow now and then. */
import { counter } from '@sightline/sdk';
import { latencyMonkey } from './chaos.ts';
import { HttpError, log, serve } from './kit.ts';

export const PRODUCTS = [
  { id: 'espresso-beans', name: 'Espresso beans 1 kg', price: 24.5 },
  { id: 'moka-pot', name: 'Moka pot', price: 39 },
  { id: 'grinder', name: 'Burr grinder', price: 129 },
  { id: 'milk-jug', name: 'Milk jug', price: 14.9 },
  { id: 'scale', name: 'Coffee scale', price: 45 },
  { id: 'filter-papers', name: 'Filter papers ×100', price: 6.5 },
  { id: 'kettle', name: 'Gooseneck kettle', price: 79 },
  { id: 'mug', name: 'Stoneware mug', price: 12 },
];

const views = counter('shop.catalog.product_views', { description: 'product pages served' });

await serve((app) => {
  app.get('/products', async () => {
    await latencyMonkey(0.15, 400);
    log.info({ count: PRODUCTS.length }, 'listing products');
    return { products: PRODUCTS };
  });
  app.get<{ Params: { id: string } }>('/products/:id', async (req) => {
    await latencyMonkey(0.1, 250);
    const product = PRODUCTS.find((p) => p.id === req.params.id);
    if (product === undefined) throw new HttpError(404, `no product ${req.params.id}`);
    views.add(1, { product: product.id });
    return product;
  });
});
