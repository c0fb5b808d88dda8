import { describe, expect, it } from 'vitest';
import {
  ALERT_TEST_ENV,
  alerts,
  createRule,
  history,
  sendLogs,
  sleep,
  startReceiver,
  waitFor,
} from './alerts-helpers.ts';
import { startTestSightline, testConfig } from './harness.ts';

describe('alerting across a restart', () => {
  it('keeps states and sends no notification twice', async () => {
    const receiver = await startReceiver();
    const config = testConfig(ALERT_TEST_ENV);
    const first = await startTestSightline(config);
    let ruleId: string;
    try {
      const rule = await createRule(first, {
        name: 'Survives restarts',
        query: { kind: 'log_count', q: 'service:restart-svc level:error' },
        groupBy: ['service'],
        condition: { op: '>', threshold: 1 },
        window: '10m',
        interval: '1s',
        for: '0s',
        severity: 'critical',
        channels: [{ kind: 'webhook', url: `${receiver.url}/hook` }],
      });
      ruleId = rule.id;
      await sendLogs(first, 'restart-svc', 'ERROR', 3);
      await waitFor('firing sent', () => receiver.received.length >= 1);
    } finally {
      await first.close();
    }

    const second = await startTestSightline(config);
    try {
      await waitFor('the new evaluator holds the lease', () => second.alerting?.isLeader);
      // Several evaluations on the restarted process.
      await sleep(2500);
      expect(receiver.received.map((r) => `${r.body.status} ${r.body.group.key}`)).toEqual([
        'firing service=restart-svc',
      ]);
      const [alert] = await alerts(second, ruleId);
      expect(alert).toMatchObject({ state: 'firing', groupKey: 'service=restart-svc' });
      expect((await history(second, ruleId)).map((h) => h.to)).toEqual(['pending', 'firing']);
    } finally {
      await second.close();
      await receiver.close();
    }
  });
});
