import type { SlackChannel } from '@sightline/model/api/alert-channels';
import { formatValue, labelPairs, notificationTitle } from './format.ts';
import type { DestinationGuard } from './destinations.ts';
import { postJson } from './http-post.ts';
import type { AttemptOutcome } from './outcome.ts';
import type { AlertNotification } from './types.ts';

/** Attachment bar colours: resolved is always green, firing follows severity. */
export const SLACK_COLOURS = {
  resolved: '#2eb67d',
  critical: '#e01e5a',
  warning: '#ecb22e',
  info: '#36c5f0',
} as const;

// Slack refuses a section text over 3,000 characters; leave room for the escaping.
const MAX_SECTION_TEXT = 2800;
const MAX_HEADER_TEXT = 150;

/** Slack's incoming-webhook message: `text` for notifications and old clients, blocks for the rest. */
export interface SlackPayload {
  readonly text: string;
  readonly attachments: readonly [
    { readonly color: string; readonly fallback: string; readonly blocks: readonly SlackBlock[] },
  ];
}

type SlackText = { readonly type: 'mrkdwn' | 'plain_text'; readonly text: string };
type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText }
  | { readonly type: 'section'; readonly text?: SlackText; readonly fields?: readonly SlackText[] }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] }
  | {
      readonly type: 'actions';
      readonly elements: readonly {
        readonly type: 'button';
        readonly text: SlackText;
        readonly url: string;
      }[];
    };

/** Slack's own escaping for mrkdwn: only these three characters are control characters. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const clip = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

export function slackPayload(n: AlertNotification): SlackPayload {
  const title = notificationTitle(n);
  const colour = n.state === 'resolved' ? SLACK_COLOURS.resolved : SLACK_COLOURS[n.severity];
  const link = `<${n.dashboardUrl}|View in Sightline>`;
  const field = (name: string, value: string): SlackText => ({
    type: 'mrkdwn',
    text: `*${name}*\n${slackEscape(value)}`,
  });
  const fields = [
    field('State', n.state === 'firing' ? 'Firing' : 'Resolved'),
    field('Severity', n.severity),
    field('Value', formatValue(n.value)),
    field('Threshold', n.condition),
  ];
  if (n.groupKey !== '') fields.push(field('Group', n.groupKey));
  fields.push(field(n.endsAt ? 'Resolved at' : 'Since', n.endsAt ?? n.startsAt));
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, MAX_HEADER_TEXT) } },
    { type: 'section', fields },
  ];
  if (n.message !== '') {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(slackEscape(n.message), MAX_SECTION_TEXT) },
    });
  }
  const labels = labelPairs(n);
  if (labels.length > 0) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(slackEscape(labels.map(([k, v]) => `${k}=${v}`).join('  ')), MAX_SECTION_TEXT),
        },
      ],
    });
  }
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: 'View in Sightline' },
        url: n.dashboardUrl,
      },
    ],
  });
  const text = `${slackEscape(title)}: ${slackEscape(formatValue(n.value))} (${slackEscape(n.condition)}) ${link}`;
  return { text, attachments: [{ color: colour, fallback: text, blocks }] };
}

export function sendSlack(
  channel: SlackChannel,
  payload: SlackPayload,
  signal: AbortSignal,
  retryAfterCapMs: number,
  guard: DestinationGuard,
): Promise<AttemptOutcome> {
  // The whole URL is the credential of an incoming webhook, its path above all.
  const secrets = [channel.url];
  try {
    secrets.push(new URL(channel.url).pathname);
  } catch {
    // An unparsable URL fails in fetch, and its text is already masked whole.
  }
  return postJson(channel.url, payload, { signal, retryAfterCapMs, secrets, guard });
}
