/**
 * checkout: turns a cart into an order: reads the cart, reserves stock, has payments charge the
 * card (HTTP, or a kafkajs message when SIGHTLINE_DEMO_KAFKA_BROKERS is set), empties the cart.
 */
import { randomUUID } from 'node:crypto';
import { circuitBreaker, counter, histogram, withSpan } from '@sightline/sdk';
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

/**
 * The call to payments behind a circuit breaker: when payments keeps failing (its outages, see
 * chaos.ts) checkout stops calling it for a few seconds and fails fast, then lets one trial
 * call through. A declined card (4xx) is an answer, not a failure of payments.
 */
const payments = circuitBreaker(
  (charge: Charge) =>
    call<{ paymentId: string }>('payments', '/charge', { method: 'POST', body: charge }),
  {
    name: 'payments-api',
    timeout: 2_000,
    errorThresholdPercentage: 50,
    // Judged on at least 5 calls in opossum's 10 s window: the everyday random errors do not open it.
    volumeThreshold: 5,
    resetTimeout: Number(process.env.SIGHTLINE_DEMO_BREAKER_RESET_MS ?? '10000'),
    errorFilter: (err: HttpError) => err.statusCode < 500,
  },
);

async function pay(charge: Charge): Promise<string> {
  if (producer === undefined) {
    try {
      const { paymentId } = await payments.fire(charge);
      return `paid ${paymentId}`;
    } catch (err) {
      // Rejected while open: answer at once, as payments would have, instead of waiting on it.
      if ((err as { code?: string }).code === 'EOPENBREAKER') {
        throw new HttpError(503, 'payments unavailable (circuit open)');
      }
      throw err;
    }
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
