import type { AlertChannel } from '@sightline/model/api/alert-channels';
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.ts';
import { createEmailSender, emailContent, type EmailSender, type SmtpSettings } from './email.ts';
import { notificationTitle } from './format.ts';
import type { AttemptOutcome } from './outcome.ts';
import { channelLabel, describeError, redactError } from './redact.ts';
import { createDestinationGuard } from './destinations.ts';
import { sendSlack, slackPayload } from './slack.ts';
import type { AlertNotification, DeliveryResult } from './types.ts';
import { sendWebhook, webhookPayload } from './webhook.ts';

export interface DispatcherOptions {
  /** Without it, email channels fail at once with a result saying SMTP is not configured. */
  readonly smtp?: SmtpSettings;
  /** Attempts per channel, the first included (default 5). */
  readonly maxAttempts?: number;
  /** Delay before the first retry, doubled for each next one, with jitter (default 1000). */
  readonly backoffMs?: number;
  /** Longest computed delay between attempts (default 60 000). */
  readonly maxBackoffMs?: number;
  /** Longest wait a receiver's Retry-After may ask for (default 300 000). */
  readonly retryAfterCapMs?: number;
  /** Limit of one attempt, connecting included (default 10 000). */
  readonly timeoutMs?: number;
  /**
   * Networks (CIDR, or single addresses) webhook and Slack channels may reach although they are
   * loopback, link-local or private; every other such address is refused (default: none).
   */
  readonly allowedNetworks?: readonly string[];
  /** Called for every attempt, success or failure, in order per channel. */
  record(r: DeliveryResult): Promise<void>;
  /** Told when `record` fails; the delivery goes on regardless. */
  onRecordError?(err: unknown, r: DeliveryResult): void;
  /** Test hook for the jitter. */
  readonly random?: () => number;
}

export interface Dispatcher {
  /** Sends to every channel; resolves with the last attempt's result per channel, never rejects. */
  deliver(n: AlertNotification, channels: readonly AlertChannel[]): Promise<DeliveryResult[]>;
  /**
   * Waits for deliveries in flight. Attempts already started finish (each within timeoutMs),
   * but no retry starts after close: a shutdown must not wait out minutes of backoff.
   */
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const policy: RetryPolicy = {
    maxAttempts: positiveInt(opts.maxAttempts, DEFAULT_RETRY_POLICY.maxAttempts, 'maxAttempts'),
    backoffMs: nonNegative(opts.backoffMs, DEFAULT_RETRY_POLICY.backoffMs, 'backoffMs'),
    maxBackoffMs: nonNegative(opts.maxBackoffMs, DEFAULT_RETRY_POLICY.maxBackoffMs, 'maxBackoffMs'),
    retryAfterCapMs: nonNegative(
      opts.retryAfterCapMs,
      DEFAULT_RETRY_POLICY.retryAfterCapMs,
      'retryAfterCapMs',
    ),
  };
  const timeoutMs = positiveInt(opts.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
  const random = opts.random ?? Math.random;
  const email: EmailSender | undefined = opts.smtp
    ? createEmailSender(opts.smtp, timeoutMs)
    : undefined;
  const destinations = createDestinationGuard(opts.allowedNetworks ?? []);
  const closing = new AbortController();
  const inFlight = new Set<Promise<unknown>>();

  async function record(r: DeliveryResult): Promise<void> {
    try {
      await opts.record(r);
    } catch (err) {
      opts.onRecordError?.(err, r);
    }
  }

  function attemptOnce(
    n: AlertNotification,
    channel: AlertChannel,
    signal: AbortSignal,
  ): Promise<AttemptOutcome> {
    switch (channel.kind) {
      case 'webhook':
        return sendWebhook(
          channel,
          webhookPayload(n, notificationTitle(n)),
          signal,
          policy.retryAfterCapMs,
          destinations,
        );
      case 'slack':
        return sendSlack(channel, slackPayload(n), signal, policy.retryAfterCapMs, destinations);
      case 'email':
        if (!email || !opts.smtp) {
          return Promise.resolve({
            ok: false,
            retryable: false,
            error: 'SMTP is not configured: set SIGHTLINE_SMTP_URL and SIGHTLINE_SMTP_FROM',
          });
        }
        return email.send(channel, emailContent(n, opts.smtp.from), signal);
    }
  }

  async function deliverOne(n: AlertNotification, channel: AlertChannel): Promise<DeliveryResult> {
    const label = channelLabel(channel);
    for (let attempt = 1; ; attempt++) {
      const signal = AbortSignal.timeout(timeoutMs);
      let outcome: AttemptOutcome;
      try {
        outcome = await attemptOnce(n, channel, signal);
      } catch (err) {
        // The senders report failures as outcomes; this is a bug guard, not a code path.
        outcome = { ok: false, retryable: false, error: redactError(describeError(err)) };
      }
      if (!outcome.ok && signal.aborted) {
        outcome = { ok: false, retryable: true, error: `timed out after ${timeoutMs} ms` };
      }
      const result: DeliveryResult = {
        notificationId: n.notificationId,
        ruleId: n.ruleId,
        channel: label,
        attempt,
        ok: outcome.ok,
        ...(outcome.status === undefined ? {} : { status: outcome.status }),
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
        at: new Date().toISOString(),
      };
      await record(result);
      if (outcome.ok || !outcome.retryable || attempt >= policy.maxAttempts) return result;
      const wait = outcome.retryAfterMs ?? backoffDelay(attempt, policy, random);
      if (!(await sleep(wait, closing.signal))) return result;
    }
  }

  return {
    deliver(n, channels) {
      const job = Promise.all(channels.map((c) => deliverOne(n, c)));
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
      return job;
    },
    async close() {
      closing.abort();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      email?.close();
      await destinations.close();
    },
  };
}

/** Resolves true after `ms`, or false at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`createDispatcher: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`createDispatcher: ${name} must be a number >= 0, got ${value}`);
  }
  return value;
}
