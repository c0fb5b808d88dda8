import { createHash } from 'node:crypto';
import nodemailer, { type NodemailerError, type Transporter } from 'nodemailer';
import type { EmailChannel } from '@sightline/model/api/alert-channels';
import { formatValue, labelPairs, notificationTitle, stateWord } from './format.ts';
import type { AttemptOutcome } from './outcome.ts';
import { describeError, redactError, urlSecrets } from './redact.ts';
import type { AlertNotification } from './types.ts';

/** SIGHTLINE_SMTP_URL (smtp://user:pass@host:port, smtps:// for TLS) and SIGHTLINE_SMTP_FROM. */
export interface SmtpSettings {
  readonly url: string;
  readonly from: string;
}

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Same for every retry of one notification, so a mailbox can drop a duplicate. */
  readonly messageId: string;
  /** Same for every notification of one alert episode, so firing and resolve share a thread. */
  readonly threadId: string;
}

const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const digest = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

function domainOf(from: string): string {
  const match = /@([^\s>]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'sightline.invalid';
}

export function emailContent(n: AlertNotification, from: string): EmailContent {
  // A header line must not break: rule names and group keys come from users.
  const subject = notificationTitle(n).replace(/[\r\n]+/g, ' ');
  const rows: [string, string][] = [
    ['Rule', n.ruleName],
    ['State', stateWord(n)],
    ['Severity', n.severity],
    ['Value', formatValue(n.value)],
    [
      'Threshold',
      n.threshold === null ? n.condition : `${n.condition} (threshold ${formatValue(n.threshold)})`,
    ],
  ];
  if (n.groupKey !== '') rows.push(['Group', n.groupKey]);
  rows.push(['Started', n.startsAt]);
  if (n.endsAt) rows.push(['Resolved', n.endsAt]);
  const labels = labelPairs(n);
  if (labels.length > 0) rows.push(['Labels', labels.map(([k, v]) => `${k}=${v}`).join(', ')]);

  const text = [
    subject,
    '',
    ...(n.message === '' ? [] : [n.message, '']),
    ...rows.map(([k, v]) => `${k}: ${v}`),
    '',
    `View in Sightline: ${n.dashboardUrl}`,
    '',
  ].join('\n');

  const colour = n.state === 'resolved' ? '#2eb67d' : n.severity === 'info' ? '#36c5f0' : '#e01e5a';
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2 style="border-left:6px solid ${colour};padding-left:8px">${escapeHtml(subject)}</h2>`,
    n.message === '' ? '' : `<p>${escapeHtml(n.message).replace(/\n/g, '<br>')}</p>`,
    '<table cellpadding="4">',
    ...rows.map(
      ([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`,
    ),
    '</table>',
    `<p><a href="${escapeHtml(n.dashboardUrl)}">View in Sightline</a></p>`,
    '</body></html>',
  ].join('\n');

  const domain = domainOf(from);
  return {
    subject,
    text,
    html,
    headers: {
      'X-Sightline-Notification-Id': n.notificationId,
      'X-Sightline-Rule-Id': n.ruleId,
      'X-Sightline-State': n.state,
    },
    messageId: `<${digest(n.notificationId)}@${domain}>`,
    threadId: `<${digest(n.ruleId, n.groupKey, n.startsAt)}.alert@${domain}>`,
  };
}

// Nothing about these changes by trying again: the configuration must be fixed first.
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EOAUTH2']);

export interface EmailSender {
  send(channel: EmailChannel, content: EmailContent, signal: AbortSignal): Promise<AttemptOutcome>;
  close(): void;
}

/** One SMTP transport for the dispatcher's lifetime; each message opens its own connection. */
export function createEmailSender(smtp: SmtpSettings, timeoutMs: number): EmailSender {
  const secrets = urlSecrets(smtp.url);
  let transport: Transporter | undefined;
  let configError: string | undefined;
  try {
    transport = nodemailer.createTransport({
      url: smtp.url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
    });
  } catch (err) {
    configError = redactError(`SMTP settings refused: ${describeError(err)}`, secrets);
  }
  return {
    async send(channel, content, signal) {
      if (!transport)
        return { ok: false, retryable: false, error: configError ?? 'no SMTP transport' };
      try {
        const info = (await transport.sendMail({
          from: smtp.from,
          to: [...channel.to],
          subject: content.subject,
          text: content.text,
          html: content.html,
          headers: { ...content.headers },
          messageId: content.messageId,
          inReplyTo: content.threadId,
          references: [content.threadId],
          signal,
        })) as { response?: string; rejected?: unknown[] };
        const status = replyCode(info.response);
        const rejected = (info.rejected ?? []).map(String);
        return {
          ok: true,
          retryable: false,
          ...(status === undefined ? {} : { status }),
          ...(rejected.length > 0 ? { error: redactError(`rejected: ${rejected.join(',')}`) } : {}),
        };
      } catch (err) {
        const e = err as NodemailerError;
        const permanent =
          e.permanent === true || (e.code !== undefined && PERMANENT_CODES.has(e.code));
        return {
          ok: false,
          retryable: !permanent,
          ...(typeof e.responseCode === 'number' ? { status: e.responseCode } : {}),
          error: redactError(smtpErrorText(e), secrets),
        };
      }
    },
    close() {
      transport?.close();
    },
  };
}

function replyCode(response: string | undefined): number | undefined {
  const match = response === undefined ? null : /^(\d{3})\b/.exec(response);
  return match ? Number(match[1]) : undefined;
}

function smtpErrorText(e: NodemailerError): string {
  const cause = e.originalCode && !e.message.includes(e.originalCode) ? ` (${e.originalCode})` : '';
  return `${e.code ? `${e.code}: ` : ''}${e.message}${cause}`;
}
