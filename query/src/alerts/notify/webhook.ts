import type { WebhookChannel } from '@sightline/model/api/alert-channels';
import type { DestinationGuard } from './destinations.ts';
import { postJson } from './http-post.ts';
import type { AttemptOutcome } from './outcome.ts';
import { urlSecrets } from './redact.ts';
import type { AlertNotification } from './types.ts';

/** Bumped only when a field changes meaning or goes away; new fields may appear in any version. */
export const WEBHOOK_PAYLOAD_VERSION = '1';

/** The body of a generic webhook, documented field by field in docs/alerting-notifications.md. */
export interface WebhookPayload {
  readonly version: typeof WEBHOOK_PAYLOAD_VERSION;
  readonly notificationId: string;
  readonly status: 'firing' | 'resolved';
  readonly repeat: boolean;
  readonly title: string;
  readonly rule: {
    readonly id: string;
    readonly name: string;
    readonly severity: AlertNotification['severity'];
    readonly labels: Readonly<Record<string, string>>;
    readonly condition: string;
    readonly threshold: number | null;
  };
  readonly group: { readonly key: string; readonly labels: Readonly<Record<string, string>> };
  readonly value: number | null;
  readonly message: string;
  readonly startsAt: string;
  readonly endsAt: string | null;
  readonly links: { readonly dashboard: string };
}

export function webhookPayload(n: AlertNotification, title: string): WebhookPayload {
  return {
    version: WEBHOOK_PAYLOAD_VERSION,
    notificationId: n.notificationId,
    status: n.state,
    repeat: n.repeat,
    title,
    rule: {
      id: n.ruleId,
      name: n.ruleName,
      severity: n.severity,
      labels: n.labels,
      condition: n.condition,
      threshold: n.threshold,
    },
    group: { key: n.groupKey, labels: n.groupLabels },
    // JSON has no NaN or Infinity; null says "no number" either way.
    value: n.value !== null && Number.isFinite(n.value) ? n.value : null,
    message: n.message,
    startsAt: n.startsAt,
    endsAt: n.endsAt ?? null,
    links: { dashboard: n.dashboardUrl },
  };
}

export function sendWebhook(
  channel: WebhookChannel,
  payload: WebhookPayload,
  signal: AbortSignal,
  retryAfterCapMs: number,
  guard: DestinationGuard,
): Promise<AttemptOutcome> {
  const headers = channel.headers ?? {};
  return postJson(channel.url, payload, {
    // The same key on every retry lets a receiver drop a copy it already processed.
    headers: { ...headers, 'idempotency-key': payload.notificationId },
    signal,
    retryAfterCapMs,
    guard,
    secrets: [...Object.values(headers), ...urlSecrets(channel.url)],
  });
}
