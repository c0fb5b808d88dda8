import { Type, type Static } from 'typebox';

/**
 * Where an alert rule's notifications go. A rule carries `channels: AlertChannel[]`; each
 * firing, resolve and repeat reminder is sent to every channel (docs/alerting-notifications.md).
 */

export const ALERT_EMAIL_RECIPIENTS = { min: 1, max: 20 } as const;
export const ALERT_WEBHOOK_HEADERS_MAX = 20;

// A pattern rather than `format: 'uri'`: the same check then holds in fastify's validator and
// in TypeBox's Value, and it refuses other schemes (file:, javascript:) that a URI format allows.
const HttpUrl = Type.String({
  pattern: '^https?://[^\\s/?#]+(?:[/?#][^\\s]*)?$',
  maxLength: 2048,
  description: 'An absolute http:// or https:// URL',
});

// Deliberately loose (RFC 5322 allows far more), but refuses what would break an SMTP envelope:
// whitespace, angle brackets, commas and a missing @.
const EmailAddress = Type.String({
  pattern: '^[^\\s@<>,;"]+@[^\\s@<>,;"]+$',
  maxLength: 254,
  description: 'An email address, e.g. oncall@example.com',
});

// RFC 9110 token characters, so fetch never refuses the header when a notification is sent.
const HeaderName = Type.String({ pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" });

export const WebhookChannel = Type.Object(
  {
    kind: Type.Literal('webhook'),
    url: HttpUrl,
    /** Sent with every request, e.g. an Authorization header; never recorded in delivery results. */
    headers: Type.Optional(
      Type.Record(HeaderName, Type.String({ maxLength: 4096, pattern: '^[^\\r\\n]*$' }), {
        additionalProperties: false,
        maxProperties: ALERT_WEBHOOK_HEADERS_MAX,
      }),
    ),
  },
  { additionalProperties: false },
);
export type WebhookChannel = Static<typeof WebhookChannel>;

/** A Slack incoming webhook, or anything that accepts Slack's message payload (Mattermost, …). */
export const SlackChannel = Type.Object(
  { kind: Type.Literal('slack'), url: HttpUrl },
  { additionalProperties: false },
);
export type SlackChannel = Static<typeof SlackChannel>;

/** Sent through the SMTP server configured with SIGHTLINE_SMTP_URL / SIGHTLINE_SMTP_FROM. */
export const EmailChannel = Type.Object(
  {
    kind: Type.Literal('email'),
    to: Type.Array(EmailAddress, {
      minItems: ALERT_EMAIL_RECIPIENTS.min,
      maxItems: ALERT_EMAIL_RECIPIENTS.max,
    }),
  },
  { additionalProperties: false },
);
export type EmailChannel = Static<typeof EmailChannel>;

export const AlertChannelSchema = Type.Union([WebhookChannel, SlackChannel, EmailChannel], {
  $id: 'AlertChannel',
});
export type AlertChannel = Static<typeof AlertChannelSchema>;

export const ALERT_CHANNEL_KINDS = [
  'webhook',
  'slack',
  'email',
] as const satisfies readonly AlertChannel['kind'][];
