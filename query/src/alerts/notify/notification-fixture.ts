import type { AlertNotification } from './types.ts';

/** A firing alert as the engine would hand it over; tests override what they look at. */
export function sampleNotification(over: Partial<AlertNotification> = {}): AlertNotification {
  return {
    notificationId: 'rule-1|service=checkout|firing|2026-11-22T03:00:00.000Z',
    ruleId: 'rule-1',
    ruleName: 'Checkout error rate',
    severity: 'critical',
    state: 'firing',
    groupKey: 'service=checkout',
    groupLabels: { service: 'checkout' },
    labels: { team: 'payments' },
    value: 0.0712,
    threshold: 0.05,
    condition: '> 0.05',
    message: 'Error rate of checkout is 7.12% (limit 5%)',
    dashboardUrl: 'http://127.0.0.1:8080/services/checkout?from=1763780000000&to=1763780900000',
    startsAt: '2026-11-22T03:00:00.000Z',
    repeat: false,
    ...over,
  };
}
