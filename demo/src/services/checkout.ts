/**
 * checkout: turns a cart into an order: reads the cart, reserves stock, has payments charge the
 * card (HTTP, or a kafkajs message when SIGHTLINE_DEMO_KAFKA_BROKERS is set), empties the cart.
 */
import { randomUUID } from 'node:crypto';
import { counter, histogram, withSpan } from '@sightline/sdk';
import { errorMonkey, latencyMonkey } from './chaos.ts';
import { HttpError, call, log, serve } from './kit.ts';
import { connectKafka, kafkaBrokers, kafkaTopic, type Charge } from './kafka.ts';

interface Item {
  productId: string;
  price: number;
  quantity: number;
}

const placed = counter('shop.orders.placed', { description: 'orders placed' });
const rejected = counter('shop.orders.failed', { description: 'checkouts that failed' });
const orderValue = histogram('shop.order.value', {
  unit: 'EUR',
  description: 'order totals',
  boundaries: [10, 25, 50, 100, 250, 500],
});

const producer =
  kafkaBrokers.length === 0 ? undefined : (await connectKafka('checkout')).producer();
await producer?.connect();
const via = producer === undefined ? 'http' : 'kafka';

async function pay(charge: Charge): Promise<string> {
  if (producer === undefined) {
    const { paymentId } = await call<{ paymentId: string }>('payments', '/charge', {
      method: 'POST',
      body: charge,
    });
    return `paid ${paymentId}`;
  }
  await producer.send({
    topic: kafkaTopic,
    messages: [{ key: charge.orderId, value: JSON.stringify(charge) }],
  });
  return 'payment requested';
}

await serve((app) => {
  app.post<{ Params: { user: string } }>('/checkout/:user', async (req) => {
    const user = req.params.user;
    try {
      const { items } = await call<{ items: Item[] }>('cart', `/carts/${user}`);
      if (items.length === 0) throw new HttpError(409, 'cart is empty');
      const total = Math.round(items.reduce((s, i) => s + i.price * i.quantity, 0) * 100) / 100;
      const orderId = randomUUID().slice(0, 8);
      await withSpan('reserve stock', async () => {
        await latencyMonkey(0.08, 300);
        errorMonkey(0.03, 500, 'stock lock timeout');
      });
      const payment = await pay({ orderId, user, amount: total });
      await call('cart', `/carts/${user}`, { method: 'DELETE' });
      placed.add(1, { via });
      orderValue.record(total, { via });
      log.info({ order: orderId, user, total, items: items.length, payment }, 'order placed');
      return { orderId, total, payment };
    } catch (err) {
      rejected.add(1, { reason: (err as Error).message.split(':')[0] ?? 'unknown' });
      throw err;
    }
  });
});
