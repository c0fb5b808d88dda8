import { afterAll, beforeAll } from 'vitest';
import type { AlertRuleInput } from '@sightline/model/api/alerts';
import type { RunningSightline } from '../src/all-in-one.ts';
import type { SightlineConfig } from '../src/config.ts';
import { ALERT_TEST_ENV, startReceiver, type Received } from './alerts-helpers.ts';
import { startTestSightline, testConfig } from './harness.ts';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** A Sightline with alert-test settings and a webhook receiver, for one test file. */
export interface AlertFixture {
  readonly config: SightlineConfig;
  readonly s: RunningSightline;
  readonly receiver: Receiver;
  /** A log-count webhook rule to the receiver, evaluated every second; `over` replaces fields. */
  readonly rule: (over: Partial<AlertRuleInput>) => AlertRuleInput;
  /** What the receiver got for one rule. */
  readonly sentFor: (ruleId: string) => Received[];
}

/**
 * Starts both before the file's tests (with `env` over ALERT_TEST_ENV) and stops them after.
 * Call it at the top of a test file; read `s` and `receiver` inside tests only.
 */
export function useAlertSightline(env: Record<string, string> = {}): AlertFixture {
  const config = testConfig({ ...ALERT_TEST_ENV, ...env });
  let s: RunningSightline | undefined;
  let receiver: Receiver | undefined;
  beforeAll(async () => {
    s = await startTestSightline(config);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await s?.close();
    await receiver?.close();
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the alert fixture is read before beforeAll ran');
    return v;
  };
  const fixture: AlertFixture = {
    config,
    get s() {
      return started(s);
    },
    get receiver() {
      return started(receiver);
    },
    rule: (over) => ({
      name: 'rule',
      query: { kind: 'log_count', q: 'level:error' },
      condition: { op: '>', threshold: 0 },
      window: '1m',
      interval: '1s',
      for: '0s',
      severity: 'warning',
      channels: [{ kind: 'webhook', url: `${fixture.receiver.url}/hook` }],
      ...over,
    }),
    sentFor: (ruleId) => fixture.receiver.received.filter((r) => r.body.rule.id === ruleId),
  };
  return fixture;
}
