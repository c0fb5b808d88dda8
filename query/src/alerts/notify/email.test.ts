import { describe, expect, it } from 'vitest';
import { emailContent } from './email.ts';
import { sampleNotification } from './notification-fixture.ts';

describe('emailContent', () => {
  const from = 'Sightline <alerts@example.com>';

  it('puts state, rule and group in the subject', () => {
    expect(emailContent(sampleNotification(), from).subject).toBe(
      '[FIRING] Checkout error rate (service=checkout)',
    );
    expect(
      emailContent(
        sampleNotification({ state: 'resolved', groupKey: '', ruleName: 'A\r\nBcc: x@y' }),
        from,
      ).subject,
    ).toBe('[RESOLVED] A Bcc: x@y');
  });

  it('writes value, threshold, message and link in both bodies', () => {
    const n = sampleNotification();
    const c = emailContent(n, from);
    for (const body of [c.text, c.html]) {
      expect(body).toContain('Checkout error rate');
      expect(body).toContain('FIRING');
      expect(body).toContain('0.0712');
      expect(body).toContain('Error rate of checkout is 7.12% (limit 5%)');
    }
    expect(c.text).toContain('Threshold: > 0.05 (threshold 0.05)');
    expect(c.html).toContain('&gt; 0.05 (threshold 0.05)');
    expect(c.text).toContain(`View in Sightline: ${n.dashboardUrl}`);
    expect(c.html).toContain(
      `<a href="${n.dashboardUrl.replace(/&/g, '&amp;')}">View in Sightline</a>`,
    );
  });

  it('escapes user text in HTML', () => {
    const c = emailContent(sampleNotification({ message: '<script>alert(1)</script>' }), from);
    expect(c.html).not.toContain('<script>');
    expect(c.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('keeps one Message-ID per notification and one thread per alert episode', () => {
    const firing = emailContent(sampleNotification(), from);
    const again = emailContent(sampleNotification(), from);
    const resolved = emailContent(
      sampleNotification({
        notificationId: 'rule-1|service=checkout|resolved|2026-11-22T03:10:00.000Z',
        state: 'resolved',
        endsAt: '2026-11-22T03:10:00.000Z',
      }),
      from,
    );
    expect(again.messageId).toBe(firing.messageId);
    expect(resolved.messageId).not.toBe(firing.messageId);
    expect(resolved.threadId).toBe(firing.threadId);
    expect(firing.messageId).toMatch(/^<[0-9a-f]{32}@example\.com>$/);
  });
});
