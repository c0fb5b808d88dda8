import { describe, expect, it } from 'vitest';
import { sampleNotification } from './notification-fixture.ts';
import { SLACK_COLOURS, slackEscape, slackPayload } from './slack.ts';

describe('slackPayload', () => {
  it('gives a fallback text with state, value, condition and link', () => {
    const n = sampleNotification();
    expect(slackPayload(n).text).toBe(
      `[FIRING] Checkout error rate (service=checkout): 0.0712 (&gt; 0.05) <${n.dashboardUrl}|View in Sightline>`,
    );
  });

  it('colours by severity while firing and green once resolved', () => {
    expect(slackPayload(sampleNotification()).attachments[0].color).toBe(SLACK_COLOURS.critical);
    expect(slackPayload(sampleNotification({ severity: 'warning' })).attachments[0].color).toBe(
      SLACK_COLOURS.warning,
    );
    expect(
      slackPayload(sampleNotification({ state: 'resolved', endsAt: '2026-11-22T03:10:00.000Z' }))
        .attachments[0].color,
    ).toBe(SLACK_COLOURS.resolved);
  });

  it('shows state, value against threshold, the message and a button to the dashboard', () => {
    const n = sampleNotification({ message: 'p99 <high> & rising' });
    const blocks = slackPayload(n).attachments[0].blocks;
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '[FIRING] Checkout error rate (service=checkout)' },
    });
    const fields = blocks[1]?.type === 'section' ? (blocks[1].fields ?? []).map((f) => f.text) : [];
    expect(fields).toEqual([
      '*State*\nFiring',
      '*Severity*\ncritical',
      '*Value*\n0.0712',
      '*Threshold*\n&gt; 0.05',
      '*Group*\nservice=checkout',
      '*Since*\n2026-11-22T03:00:00.000Z',
    ]);
    expect(blocks).toContainEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'p99 &lt;high&gt; &amp; rising' },
    });
    expect(blocks.at(-1)).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'View in Sightline' },
          url: n.dashboardUrl,
        },
      ],
    });
  });

  it('keeps section text under Slack limits', () => {
    const blocks = slackPayload(sampleNotification({ message: 'x'.repeat(10_000) })).attachments[0]
      .blocks;
    for (const b of blocks) {
      if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
      if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
    }
  });
});

describe('slackEscape', () => {
  it('escapes only the three control characters', () => {
    expect(slackEscape('<@U1> & *bold*')).toBe('&lt;@U1&gt; &amp; *bold*');
  });
});
