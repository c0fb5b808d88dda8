import type { AlertChannel } from '@sightline/model/api/alert-channels';

/** Longest error text kept in a delivery record: enough to diagnose, too short to leak a body. */
export const MAX_ERROR_LENGTH = 300;

/**
 * How a channel is named in delivery records and logs. Never the credentials: no userinfo and no
 * query string for webhooks (tokens often travel there), only the host for Slack (its path is
 * the secret).
 */
export function channelLabel(channel: AlertChannel): string {
  switch (channel.kind) {
    case 'webhook': {
      const url = safeUrl(channel.url);
      return url ? `webhook:${url.origin}${url.pathname}` : 'webhook:(invalid url)';
    }
    case 'slack': {
      const url = safeUrl(channel.url);
      return `slack:${url ? url.host : '(invalid url)'}`;
    }
    case 'email':
      return `email:${channel.to.join(',')}`;
  }
}

function safeUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/**
 * An error made fit for a delivery record: one line, credentials in URLs masked, the given
 * secrets (an SMTP password, a webhook's header values) replaced, and bounded in length.
 */
export function redactError(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/\s+/g, ' ').trim();
  // scheme://user:pass@host → scheme://***@host, wherever a URL shows up in a message.
  out = out.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@');
  for (const secret of secrets) {
    // Short values ('a', '1') would mask innocent characters all over the message.
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out.length > MAX_ERROR_LENGTH ? `${out.slice(0, MAX_ERROR_LENGTH - 1)}…` : out;
}

/** The message of anything thrown, with the cause fetch hides behind "fetch failed". */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause: unknown = err.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return `${err.message}: ${code && !cause.message.includes(code) ? `${code} ` : ''}${cause.message}`;
  }
  return err.message;
}

/** Userinfo and query values of a URL: where webhook tokens usually travel. */
export function urlSecrets(raw: string): string[] {
  try {
    const url = new URL(raw);
    return [
      decodeURIComponent(url.username),
      decodeURIComponent(url.password),
      ...url.searchParams.values(),
    ].filter((s) => s !== '');
  } catch {
    return [];
  }
}
