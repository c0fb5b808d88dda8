import type { Scope } from '@sightline/model/api/auth';
import { SightlineError } from '@sightline/model/errors';
import type { Principal } from './principal.ts';
import type { AuthVerifier } from './verifier.ts';

export type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

const first = (v: string | readonly string[] | undefined): string | undefined =>
  typeof v === 'string' ? v : v?.[0];

/**
 * The API key a request carries: `Authorization: Bearer <key>`, `Authorization: Basic` with the
 * key as password (any user name; or as user name with no password), which is what Grafana's and
 * Prometheus' basic-auth settings send, or `x-sightline-key: <key>` (which OTel exporters can send
 * as a plain header).
 */
export function keyFromHeaders(headers: Headers): string | undefined {
  const auth = first(headers.authorization)?.trim();
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (m) return m[1];
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth);
    if (basic?.[1]) {
      const pair = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = pair.indexOf(':');
      const user = colon < 0 ? pair : pair.slice(0, colon);
      const pass = colon < 0 ? '' : pair.slice(colon + 1);
      return pass || user || auth;
    }
    return auth;
  }
  return first(headers['x-sightline-key'])?.trim() || undefined;
}

export const unauthenticated = (message: string): SightlineError =>
  new SightlineError('SL_ERR_UNAUTHENTICATED', 401, message);

export function requireScope(p: Principal, scope: Scope): void {
  if (!p.scopes.has(scope)) {
    throw new SightlineError(
      'SL_ERR_FORBIDDEN',
      403,
      `${p.kind === 'key' ? 'API key' : 'user'} '${p.name}' lacks the '${scope}' scope this route needs`,
    );
  }
}

/** Throws 401 without a valid key and 403 when the key lacks `scope`; else the key's principal. */
export async function authenticateKey(
  verifier: AuthVerifier,
  headers: Headers,
  scope: Scope,
): Promise<Principal> {
  const key = keyFromHeaders(headers);
  if (!key) {
    throw unauthenticated(
      'an API key is required: send Authorization: Bearer <key> or x-sightline-key: <key>',
    );
  }
  const p = await verifier.verifyKey(key);
  if (!p) throw unauthenticated('the API key is not valid (unknown, malformed or revoked)');
  requireScope(p, scope);
  return p;
}
