/**
 * payments: charges cards through a (pretend) card processor that is sometimes slow, sometimes
 * down, and sometimes declines. Reached over HTTP (`POST /charge`), or, when
 * SIGHTLINE_DEMO_KAFKA_BROKERS is set, by consuming the payments topic.
 */
import { counter, histogram, withSpan } from '@sightline/sdk';
import { errorMonkey, inOutage, latencyMonkey } from './chaos.ts';
import { HttpError, log, serve } from './kit.ts';
import { connectKafka, kafkaBrokers, kafkaTopic, type Charge } from './kafka.ts';

const charged = counter('shop.payments.charged', { description: 'successful charges' });
const failed = counter('shop.payments.failed', { description: 'charges that did not go through' });
const amounts = histogram('shop.payments.amount', {
  unit: 'EUR',
  description: 'charged amounts',
  boundaries: [10, 25, 50, 100, 250, 500],
});

async function charge(request: Charge, via: string): Promise<{ paymentId: string }> {
  return withSpan('charge card', async (span) => {
    span.setAttributes({ 'shop.order_id': request.orderId, 'shop.amount': request.amount });
    try {
      if (inOutage()) {
        span.setAttribute('chaos.fault', 'outage');
        throw new HttpError(503, 'card processor down');
      }
      await latencyMonkey(0.12, 900);
      errorMonkey(0.06, 503, 'card processor timeout');
      if (Math.random() < 0.04) throw new HttpError(402, 'card declined');
    } catch (err) {
      failed.add(1, { reason: (err as Error).message, via });
      throw err;
    }
    charged.add(1, { via });
    amounts.record(request.amount, { via });
    log.info({ order: request.orderId, amount: request.amount, via }, 'payment captured');
    return { paymentId: `pay_${request.orderId}` };
  });
}

await serve((app) => {
  app.post<{ Body: Charge }>('/charge', (req) => charge(req.body, 'http'));
});

if (kafkaBrokers.length > 0) {
  const kafka = await connectKafka('payments');
  const consumer = kafka.consumer({ groupId: 'shop-payments', maxWaitTimeInMs: 100 });
  await consumer.connect();
  // A new group starts at the beginning: requests sent while it was joining are not lost.
  await consumer.subscribe({ topic: kafkaTopic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const request = JSON.parse(message.value?.toString() ?? '{}') as Charge;
      log.info({ order: request.orderId }, 'payment request received');
      // Over Kafka nobody waits for the answer: a failure is logged, not returned.
      await charge(request, 'kafka').catch((err: Error) =>
        log.error({ err, order: request.orderId }, 'payment failed'),
      );
    },
  });
  log.info({ topic: kafkaTopic }, 'consuming payment requests');
}
