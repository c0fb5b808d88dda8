import type { AlertChannel } from '@sightline/model/api/alert-channels';
import type { AlertRule, AlertRuleInput } from '@sightline/model/api/alerts';
import { SightlineError } from '@sightline/model/errors';

/**
 * Channel secrets are write-only. A webhook or Slack URL carries its token in the path, the query
 * or the userinfo, and webhook headers carry credentials: the API answers each of them masked
 * (the host stays visible, so a reader can tell where notifications go), and a rule saved back
 * with a masked value keeps the secret already stored.
 */
export const SECRET_MASK = '***';

/** `https://hooks.slack.com/services/T/B/x` → `https://hooks.slack.com/***`; a bare host as is. */
export function maskUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return SECRET_MASK;
  }
  const bare = url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  if (bare && (url.pathname === '/' || url.pathname === '')) return `${url.origin}/`;
  return `${url.origin}/${SECRET_MASK}`;
}

const isMaskedUrl = (raw: string): boolean => raw.endsWith(`/${SECRET_MASK}`);

export function maskChannel(channel: AlertChannel): AlertChannel {
  switch (channel.kind) {
    case 'webhook':
      return {
        kind: 'webhook',
        url: maskUrl(channel.url),
        ...(channel.headers
          ? {
              headers: Object.fromEntries(
                Object.keys(channel.headers).map((name) => [name, SECRET_MASK]),
              ),
            }
          : {}),
      };
    case 'slack':
      return { kind: 'slack', url: maskUrl(channel.url) };
    case 'email':
      return channel;
  }
}

/** A rule as the API serves it: every channel secret masked. */
export const maskRule = (rule: AlertRule): AlertRule => ({
  ...rule,
  channels: rule.channels.map(maskChannel),
});

const keptSecret = (field: string, what: string): SightlineError =>
  new SightlineError(
    'SL_ERR_VALIDATION',
    400,
    `${field}: '${SECRET_MASK}' keeps a stored secret, but ${what}; give the full value`,
  );

/**
 * The channels of a create or update with every masked value replaced by the stored secret it
 * stands for: the stored channel of the same kind whose masked URL is the same (the one at the
 * same position first). A mask that stands for nothing stored is a 400 naming the field.
 */
export function restoreSecrets(
  input: AlertRuleInput,
  stored: readonly AlertChannel[],
): AlertRuleInput {
  const used = new Set<number>();
  const channels = input.channels.map((channel, i): AlertChannel => {
    if (channel.kind === 'email') return channel;
    const field = `channels[${i}]`;
    const masked = isMaskedUrl(channel.url);
    const headerMasks = Object.entries(channel.kind === 'webhook' ? (channel.headers ?? {}) : {})
      .filter(([, value]) => value === SECRET_MASK)
      .map(([name]) => name);
    if (!masked && headerMasks.length === 0) return channel;

    const wanted = masked ? channel.url : maskUrl(channel.url);
    const candidates = [i, ...stored.keys()].filter(
      (j) =>
        !used.has(j) &&
        stored[j]?.kind === channel.kind &&
        maskUrl(stored[j]?.url ?? '') === wanted,
    );
    const j = candidates[0];
    const match = j === undefined ? undefined : stored[j];
    if (j === undefined || match === undefined || match.kind === 'email') {
      throw keptSecret(
        masked ? `${field}.url` : `${field}.headers.${headerMasks[0]}`,
        `this rule has no stored ${channel.kind} channel to ${wanted}`,
      );
    }
    used.add(j);
    if (channel.kind === 'slack') return { kind: 'slack', url: match.url };
    const storedHeaders = match.kind === 'webhook' ? (match.headers ?? {}) : {};
    const headers = { ...(channel.headers ?? {}) };
    for (const name of headerMasks) {
      const value = storedHeaders[name];
      if (value === undefined) {
        throw keptSecret(`${field}.headers.${name}`, `the stored channel has no header '${name}'`);
      }
      headers[name] = value;
    }
    return {
      kind: 'webhook',
      url: masked ? match.url : channel.url,
      ...(channel.headers ? { headers } : {}),
    };
  });
  return { ...input, channels };
}
