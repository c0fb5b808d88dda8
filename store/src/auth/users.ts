import { randomBytes } from 'node:crypto';
import { qualified } from '../schema/ddl-context.ts';
import { USERS_TABLE } from '../schema/auth.ts';
import type { AuthStore } from './keys.ts';
import { hashPassword } from './password.ts';
import { INSERT_SETTINGS, iso, nextVersion } from './store-time.ts';

export interface StoredUser {
  readonly name: string;
  readonly passwordHash: string;
  /** Today every account is an administrator (read + admin); the column leaves room for more. */
  readonly role: 'admin';
}

export async function findUser(s: AuthStore, name: string): Promise<StoredUser | undefined> {
  const rs = await s.reader.query({
    query: `SELECT name, password_hash FROM ${qualified(s, USERS_TABLE)} FINAL WHERE name = {name:String}`,
    query_params: { name },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ name: string; password_hash: string }>();
  return row ? { name: row.name, passwordHash: row.password_hash, role: 'admin' } : undefined;
}

export async function countUsers(s: AuthStore): Promise<number> {
  const rs = await s.reader.query({
    query: `SELECT count() AS n FROM ${qualified(s, USERS_TABLE)} FINAL`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string | number }>();
  return Number(row?.n ?? 0);
}

export async function saveUser(s: AuthStore, name: string, password: string): Promise<void> {
  await insertUser(s, name, await hashPassword(password));
}

async function insertUser(s: AuthStore, name: string, passwordHash: string): Promise<void> {
  await s.writer.insert({
    table: qualified(s, USERS_TABLE),
    values: [
      {
        name,
        password_hash: passwordHash,
        role: 'admin',
        created_at: iso(Date.now()),
        version: nextVersion(),
      },
    ],
    format: 'JSONEachRow',
    clickhouse_settings: INSERT_SETTINGS,
  });
}

export const ADMIN_USER = 'admin';

/** How long a new admin row is left to meet a rival's before it is read back. */
export const BOOTSTRAP_SETTLE_MS = 2_000;

/**
 * The first start makes the `admin` account: with the configured password, or a generated one
 * that the caller shows once. Later starts leave accounts alone (a changed setting does not
 * silently reset a password someone may have changed).
 *
 * Instances that start together on an empty store can all find no user and all write one; the
 * store keeps one row. Each waits `settleMs` and reads back, and only the one whose row was kept
 * reports it created the account, so no instance shows a generated password that does not work.
 */
export async function bootstrapAdmin(
  s: AuthStore,
  configuredPassword: string | undefined,
  settleMs = BOOTSTRAP_SETTLE_MS,
): Promise<{ created: false } | { created: true; password: string; generated: boolean }> {
  if ((await countUsers(s)) > 0) return { created: false };
  const password = configuredPassword ?? randomBytes(18).toString('base64url');
  const passwordHash = await hashPassword(password);
  await insertUser(s, ADMIN_USER, passwordHash);
  await new Promise((r) => setTimeout(r, settleMs));
  const kept = await findUser(s, ADMIN_USER);
  if (kept?.passwordHash !== passwordHash) return { created: false };
  return { created: true, password, generated: configuredPassword === undefined };
}
