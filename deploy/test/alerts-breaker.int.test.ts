import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakerOpenRule } from '@sightline/model/api/alert-templates';
import type { RunningSightline } from '../src/all-in-one.ts';
import {
  ALERT_TEST_ENV,
  alerts,
  createRule,
  every,
  history,
  sendBreakerState,
  startReceiver,
  waitFor,
} from './alerts-helpers.ts';
import { startTestSightline, testConfig } from './harness.ts';

let s: RunningSightline;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  s = await startTestSightline(testConfig(ALERT_TEST_ENV));
  receiver = await startReceiver();
});
afterAll(async () => {
  await s.close();
  await receiver.close();
});

const OPEN_GROUP = 'service=checkout,circuit_breaker.name=payments-api';

describe('the "circuit breaker open for more than N minutes" template', () => {
  it('fires once a breaker has stayed open that long, and resolves when it closes', async () => {
    // The template as the alert editor creates it; 3 s instead of minutes, evaluated every second.
    const rule = await createRule(s, {
      ...breakerOpenRule({ minutes: 0.05 }),
      interval: '1s',
      channels: [{ kind: 'webhook', url: `${receiver.url}/hook` }],
    });
    expect(rule).toMatchObject({ for: '3s', condition: { op: '>=', threshold: 2 } });
    const states: Record<string, number> = { 'payments-api': 2, 'inventory-db': 0 };
    const service = { 'payments-api': 'checkout', 'inventory-db': 'cart' } as const;
    // The SDK reports each breaker's state every export interval; here every 300 ms.
    const stop = every(300, async () => {
      for (const [name, state] of Object.entries(states)) {
        await sendBreakerState(s, service[name as keyof typeof service], name, state);
      }
    });
    try {
      const firing = await waitFor('the open breaker fires', async () =>
        (await alerts(s, rule.id)).find((a) => a.groupKey === OPEN_GROUP && a.state === 'firing'),
      );
      expect(firing.value).toBe(2);
      const open = (await history(s, rule.id)).filter((h) => h.groupKey === OPEN_GROUP);
      // Pending first: open, but not yet for 3 s.
      expect(open.map((h) => `${h.from}→${h.to}`)).toEqual(['inactive→pending', 'pending→firing']);
      const others = (await alerts(s, rule.id)).filter((a) => a.groupKey !== OPEN_GROUP);
      expect(others.map((a) => [a.groupKey, a.state])).toEqual([
        ['service=cart,circuit_breaker.name=inventory-db', 'inactive'],
      ]);

      states['payments-api'] = 1; // half-open: a trial call is let through.
      await waitFor('the half-open breaker resolves', async () =>
        (await alerts(s, rule.id)).find((a) => a.groupKey === OPEN_GROUP && a.state === 'resolved'),
      );
    } finally {
      await stop();
    }
    const sent = await waitFor('firing and resolved sent', () => {
      const mine = receiver.received.filter((r) => r.body.rule.id === rule.id);
      return mine.length >= 2 ? mine : undefined;
    });
    expect(sent.map((r) => [r.body.status, r.body.group.key])).toEqual([
      ['firing', OPEN_GROUP],
      ['resolved', OPEN_GROUP],
    ]);
    expect(sent[0]?.body.message).toBe(
      'Circuit breaker payments-api of checkout has been open for more than 3s.',
    );
  });
});
