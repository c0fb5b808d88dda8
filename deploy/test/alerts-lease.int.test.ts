import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvaluator } from '@sightline/query/alerts/evaluator';
import { Lease } from '@sightline/store/alerts/lease';
import { startAlerting } from '@sightline/query/alerts/start-alerting';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { useAlertSightline } from './alerts-fixture.ts';
import { createRule, history, sendLogs, sleep, waitFor } from './alerts-helpers.ts';
import { select } from './harness.ts';

// Two evaluators on one store: the all-in-one's own, and a second one with its own sessions on
// the same data folder (chDB allows one folder per process, so both live in this process).
const alert = useAlertSightline();
let otherStore: StoreClients;
let other: AlertEvaluator;
beforeAll(() => {
  const { config } = alert;
  otherStore = createStoreClients({ dataDir: config.dataDir, database: config.database });
  other = startAlerting({
    store: otherStore,
    publicUrl: () => 'http://dashboard.test:3000',
    smtpUrl: undefined,
    smtpFrom: 'sightline@test',
    tickMs: config.alerting.tickMs,
    leaseMs: config.alerting.leaseMs,
    allowedNetworks: config.alerting.allowedNetworks,
    logger: pino({ level: 'silent' }),
    holder: 'second-evaluator',
  });
});
afterAll(async () => {
  // Before the fixture's own afterAll closes the store this evaluator shares.
  await other.stop();
  await otherStore.close();
});

describe('two evaluators', () => {
  it('send each notification once, and the survivor takes over when the holder dies', async () => {
    const first = alert.s.alerting!;
    const rule = await createRule(
      alert.s,
      alert.rule({
        name: 'Lease',
        query: { kind: 'log_count', q: 'service:lease-svc' },
        // Long enough that the alert resolves only after the holder is gone, even on a slow machine.
        window: '15s',
        severity: 'info',
      }),
    );
    await sendLogs(alert.s, 'lease-svc', 'INFO', 3);
    await waitFor('firing sent', () => alert.receiver.received.length >= 1);
    // Both keep ticking for a while: still exactly one notification, from exactly one holder.
    await sleep(2000);
    expect(alert.receiver.received.map((r) => r.body.status)).toEqual(['firing']);
    expect([first.isLeader, other.isLeader].filter(Boolean)).toHaveLength(1);
    const holder = first.isLeader ? first : other;
    const survivor = first.isLeader ? other : first;
    const evaluators = await select<{ evaluator: string }>(
      alert.s,
      'SELECT DISTINCT evaluator FROM sightline.alert_history WHERE rule_id = {id:String}',
      { id: rule.id },
    );
    expect(evaluators).toEqual([{ evaluator: holder.lease.holder }]);

    // The holder dies without handing the lease over; the logs age out of the window meanwhile.
    await holder.stop({ release: false });
    expect(alert.receiver.received).toHaveLength(1);
    await waitFor('resolved sent', () => alert.receiver.received.length >= 2, 45_000);
    await sleep(1500);
    expect(alert.receiver.received.map((r) => r.body.status)).toEqual(['firing', 'resolved']);
    expect(survivor.isLeader).toBe(true);
    const entries = await history(alert.s, rule.id);
    expect(entries.map((h) => `${h.from}→${h.to}`)).toEqual([
      'inactive→pending',
      'pending→firing',
      'firing→resolved',
    ]);
    // The survivor's epoch is newer: every notification carries the epoch that sent it.
    const epochs = await select<{ epoch: string; notification_id: string }>(
      alert.s,
      `SELECT epoch, notification_id FROM sightline.alert_deliveries
       WHERE rule_id = {id:String} ORDER BY at`,
      { id: rule.id },
    );
    expect(epochs).toHaveLength(2);
    expect(Number(epochs[1]!.epoch)).toBeGreaterThan(Number(epochs[0]!.epoch));
    expect(epochs[1]!.notification_id).toMatch(/\/resolved\//);
  });
});

describe('the lease', () => {
  it('has one winner among simultaneous claims, passes on expiry, and hands over on release', async () => {
    const a = new Lease(alert.s.store, 'a', 3000, 'lease-test');
    const b = new Lease(otherStore, 'b', 3000, 'lease-test');
    // Claims race; a claim is acted on only from the next round, once confirmed.
    const round = () => Promise.all([a.acquireOrRenew(), b.acquireOrRenew()]);
    expect(await round()).toEqual([false, false]);
    const second = await round();
    expect(second.filter(Boolean)).toHaveLength(1);
    for (let i = 0; i < 3; i++) expect(await round()).toEqual(second);
    const [winner, loser] = second[0] ? [a, b] : [b, a];
    const epoch = winner.currentEpoch;
    expect(await winner.stillHeld()).toBe(true);

    // The winner stops renewing (it died): the other claims the next epoch once it expires.
    await sleep(3200);
    expect(await winner.stillHeld()).toBe(false);
    await waitFor('takeover', async () => loser.acquireOrRenew(), 10_000);
    expect(loser.currentEpoch).toBeGreaterThan(epoch);
    expect(await winner.acquireOrRenew()).toBe(false);

    // A clean stop hands over at the next tick, without waiting for the expiry.
    await loser.release();
    expect(await winner.acquireOrRenew()).toBe(false);
    expect(await winner.acquireOrRenew()).toBe(true);
    expect(winner.currentEpoch).toBeGreaterThan(epoch + 1);
  });
});
