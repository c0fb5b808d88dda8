import { SightlineError } from '@sightline/model/errors';
import { parseNetworks } from '@sightline/query/alerts/notify/destinations';
import { ROLES, type Role } from './roles.ts';

/** Each parser turns one raw setting into its value, or stops start-up naming the setting. */
export type Parser<T> = (raw: string, name: string) => T;

/** A value as it may be echoed in an error: a password in a `scheme://user:pass@host` is masked. */
export const redactValue = (raw: string): string =>
  raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*):[^/@\s]*@/i, '$1:***@');

export const fail = (name: string, expected: string, raw: string): never => {
  throw new SightlineError(
    'SL_ERR_CONFIG',
    1,
    `${name}: expected ${expected}, got '${redactValue(raw)}'`,
  );
};

export const int =
  (min: number, max: number): Parser<number> =>
  (raw, name) => {
    const n = Number(raw);
    return /^-?\d+$/.test(raw.trim()) && n >= min && n <= max
      ? n
      : fail(name, `an integer ${min}–${max}`, raw);
  };

export const text: Parser<string> = (raw, name) =>
  raw.trim() !== '' ? raw.trim() : fail(name, 'a value', raw);

/** The shortest admin password accepted, as NIST SP 800-63B suggests for a chosen one (≥ 8) and more. */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * Why a chosen password is refused, or undefined when it is acceptable: too short, too few kinds
 * of character in it (`aaaaaaaaaaaa`), a run up or down a keyboard or alphabet (`123456789012`,
 * `qwertyuiopas`), or built on a word every guessing list starts with.
 */
export function weakPasswordReason(password: string): string | undefined {
  const chars = [...password];
  if (chars.length < MIN_PASSWORD_LENGTH) {
    return `at least ${MIN_PASSWORD_LENGTH} characters (it has ${chars.length})`;
  }
  if (new Set(chars).size < 5) return 'at least 5 different characters';
  const lower = password.toLowerCase();
  const stripped = lower.replace(/[^a-z0-9]/g, '');
  const runs = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopasdfghjklzxcvbnm'];
  // Doubled, so that a run may wrap (`7890123456`); read backwards as well as forwards.
  const inRun = (r: string): boolean =>
    (r + r).includes(stripped) || [...(r + r)].reverse().join('').includes(stripped);
  if (stripped.length >= chars.length - 2 && runs.some(inRun)) {
    return 'not a run of neighbouring keys, letters or digits';
  }
  const common = ['password', 'passw0rd', 'sightline', 'letmein', 'welcome', 'admin', 'changeme'];
  const word = common.find((w) => stripped.startsWith(w));
  if (word && stripped.length - word.length < 8) {
    return `more than a common word ('${word}') with a few characters added`;
  }
  return undefined;
}

/** A password chosen at set-up: never echoed in the error, refused when it is weak. */
export const password: Parser<string> = (raw, name) => {
  const reason = weakPasswordReason(raw);
  if (reason === undefined) return raw;
  throw new SightlineError(
    'SL_ERR_CONFIG',
    1,
    `${name}: the password is too weak: it needs ${reason}. Choose a longer passphrase, or unset ${name} to have one generated`,
  );
};

export const url: Parser<string> = (raw, name) => {
  try {
    const u = new URL(raw);
    if (u.protocol === 'http:' || u.protocol === 'https:') return raw;
  } catch {
    // reported below
  }
  return fail(name, 'an http(s):// URL of a ClickHouse server', raw);
};

export const identifier: Parser<string> = (raw, name) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(raw)
    ? raw
    : fail(name, 'a database name (letters, digits, _)', raw);

export const clusterName: Parser<string> = (raw, name) =>
  /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(raw)
    ? raw
    : fail(name, 'a cluster name from remote_servers (letters, digits, _ . -)', raw);

export const level: Parser<string> = (raw, name) =>
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(raw)
    ? raw
    : fail(name, 'one of fatal, error, warn, info, debug, trace, silent', raw);

/** The non-empty, trimmed items of a comma-separated setting. */
const commaList = (raw: string): string[] =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

export const roles: Parser<ReadonlySet<Role>> = (raw, name) => {
  const parts = commaList(raw);
  if (parts.length === 1 && parts[0] === 'all') return new Set(ROLES);
  const bad = parts.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (parts.length === 0 || bad.length > 0) {
    return fail(name, `a comma-separated list of ${ROLES.join(', ')} (or all)`, raw);
  }
  return new Set(parts as Role[]);
};

export const brokers: Parser<readonly string[]> = (raw, name) => {
  const list = commaList(raw);
  const bad = list.filter((b) => !/^[A-Za-z0-9.:[\]-]+:\d{1,5}$/.test(b));
  return bad.length === 0 && list.length > 0
    ? list
    : fail(name, 'comma-separated host:port Kafka brokers', raw);
};

/** Comma-separated host names or addresses, without ports (`sightline.example.com, 10.0.0.7`). */
export const hostNames: Parser<readonly string[]> = (raw, name) => {
  const list = commaList(raw.toLowerCase());
  const ok = (h: string) => /^[a-z0-9.-]+$/.test(h) || /^\[?[0-9a-f:.]+\]?$/.test(h);
  return list.length > 0 && list.every(ok)
    ? list
    : fail(name, 'comma-separated host names or addresses, without ports', raw);
};

/** Comma-separated CIDR networks or single addresses (`10.0.0.0/8, 127.0.0.1`). */
export const networks: Parser<readonly string[]> = (raw, name) => {
  const list = commaList(raw);
  try {
    parseNetworks(list);
  } catch (err) {
    return fail(
      name,
      `comma-separated CIDR networks or addresses (${(err as Error).message})`,
      raw,
    );
  }
  return list;
};

export const oneOf =
  <T extends string | number>(values: readonly T[]): Parser<T> =>
  (raw, name) => {
    const found = values.find((v) => String(v) === raw.trim());
    return found ?? fail(name, `one of ${values.join(', ')}`, raw);
  };

export const portOrOff: Parser<number | null> = (raw, name) =>
  raw.trim().toLowerCase() === 'off'
    ? null
    : /^\d+$/.test(raw.trim()) && Number(raw) <= 65535
      ? Number(raw)
      : fail(name, 'an integer 0–65535 or off', raw);

export const urlWith =
  (protocols: readonly string[], what: string): Parser<string> =>
  (raw, name) => {
    try {
      if (protocols.includes(new URL(raw).protocol)) return raw;
    } catch {
      // reported below
    }
    return fail(name, what, raw);
  };
