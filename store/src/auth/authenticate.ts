import type { Scope } from '@sightline/model/api/auth';
import { SightlineError } from '@sightline/model/errors';
import type { Principal } from './principal.ts';
import type { AuthVerifier } from './verifier.ts';

export type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

const first = (v: string | readonly string[] | undefined): string | undefined =>
  typeof v === 'string' ? v : v?.[0];

/**
 * The API key a request carries: `Authorization: Bearer <key>`, or `x-sightline-key: <key>`
 * (which OTel exporters can send as a plain header).
 */
export function keyFromHeaders(headers: Headers): string | undefined {
  const auth = first(headers.authorization)?.trim();
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m?.[1] ?? auth;
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
