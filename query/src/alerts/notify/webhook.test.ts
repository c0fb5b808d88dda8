import { describe, expect, it } from 'vitest';
import { notificationTitle } from './format.ts';
import { sampleNotification } from './notification-fixture.ts';
import { webhookPayload } from './webhook.ts';

describe('webhookPayload', () => {
  it('carries every alert field under stable names', () => {
    const n = sampleNotification();
    expect(webhookPayload(n, notificationTitle(n))).toEqual({
      version: '1',
      notificationId: n.notificationId,
      status: 'firing',
      repeat: false,
      title: '[FIRING] Checkout error rate (service=checkout)',
      rule: {
        id: 'rule-1',
        name: 'Checkout error rate',
        severity: 'critical',
        labels: { team: 'payments' },
        condition: '> 0.05',
        threshold: 0.05,
      },
      group: { key: 'service=checkout', labels: { service: 'checkout' } },
      value: 0.0712,
      message: 'Error rate of checkout is 7.12% (limit 5%)',
      startsAt: '2026-11-22T03:00:00.000Z',
      endsAt: null,
      links: { dashboard: n.dashboardUrl },
    });
  });

  it('reports a resolve with its end, and no number as null', () => {
    const n = sampleNotification({
      state: 'resolved',
      endsAt: '2026-11-22T03:10:00.000Z',
      value: Number.NaN,
      groupKey: '',
      groupLabels: {},
    });
    const p = webhookPayload(n, notificationTitle(n));
    expect(p).toMatchObject({
      status: 'resolved',
      endsAt: '2026-11-22T03:10:00.000Z',
      value: null,
      title: '[RESOLVED] Checkout error rate',
    });
    // Survives JSON unchanged: what the receiver parses is what was built.
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe('notificationTitle', () => {
  it('marks a repeat reminder', () => {
    expect(notificationTitle(sampleNotification({ repeat: true }))).toBe(
      '[FIRING] Checkout error rate (service=checkout) (still firing)',
    );
  });
});
