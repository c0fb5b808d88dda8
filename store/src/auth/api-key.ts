import { createHash, randomBytes } from 'node:crypto';

/** `sl_<prefix>_<secret>`: the prefix names the key in lists and logs, the secret proves it. */
const KEY_FORMAT = /^sl_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedKey {
  readonly key: string;
  readonly prefix: string;
  readonly hash: string;
}

export function generateApiKey(): GeneratedKey {
  const prefix = randomBytes(4).toString('hex');
  // 256 random bits: nobody guesses it, so a fast hash is enough (a slow one would only cost
  // every request time without making a brute force any less hopeless).
  const key = `sl_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashToken(key) };
}

/** The prefix of a well-formed key, or undefined for anything else. */
export function keyPrefix(key: string): string | undefined {
  return KEY_FORMAT.exec(key)?.[1];
}

/** SHA-256 of a random token (API key or session id), hex: what the store keeps. */
export const hashToken = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

/** A random token for sessions and CSRF. */
export const randomToken = (): string => randomBytes(32).toString('base64url');
