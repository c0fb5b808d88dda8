import { qualified } from '../schema/ddl-context.ts';
import { SESSIONS_TABLE } from '../schema/auth.ts';
import { hashToken, randomToken } from './api-key.ts';
import type { AuthStore } from './keys.ts';
import { INSERT_SETTINGS, iso, nextVersion } from './store-time.ts';

export interface StoredSession {
  readonly tokenHash: string;
  readonly user: string;
  /** Sent back by the browser in x-csrf-token on state-changing requests. */
  readonly csrf: string;
  readonly createdMs: number;
  readonly expiresMs: number;
  readonly revoked: boolean;
  readonly version: number;
}

async function insertSession(s: AuthStore, x: StoredSession): Promise<void> {
  await s.writer.insert({
    table: qualified(s, SESSIONS_TABLE),
    values: [
      {
        token_hash: x.tokenHash,
        user: x.user,
        csrf: x.csrf,
        created_at: iso(x.createdMs),
        expires_at: iso(x.expiresMs),
        revoked_at: x.revoked ? iso(Date.now()) : null,
        version: x.version,
      },
    ],
    format: 'JSONEachRow',
    clickhouse_settings: INSERT_SETTINGS,
  });
}

/** A new session; the token goes into the cookie, only its hash into the store. */
export async function createSession(
  s: AuthStore,
  user: string,
  ttlMs: number,
): Promise<{ token: string; session: StoredSession }> {
  const token = randomToken();
  const now = Date.now();
  const session: StoredSession = {
    tokenHash: hashToken(token),
    user,
    csrf: randomToken(),
    createdMs: now,
    expiresMs: now + ttlMs,
    revoked: false,
    version: nextVersion(),
  };
  await insertSession(s, session);
  return { token, session };
}

export async function revokeSession(s: AuthStore, session: StoredSession): Promise<void> {
  await insertSession(s, { ...session, revoked: true, version: nextVersion(session.version) });
}

/** Sessions still valid now, newest version of each. */
export async function liveSessions(s: AuthStore): Promise<StoredSession[]> {
  const rs = await s.reader.query({
    query: `SELECT token_hash, user, csrf, toUnixTimestamp64Milli(created_at) AS created_ms,
        toUnixTimestamp64Milli(expires_at) AS expires_ms, version
      FROM ${qualified(s, SESSIONS_TABLE)} FINAL
      WHERE revoked_at IS NULL AND expires_at > now64(3)`,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{
    token_hash: string;
    user: string;
    csrf: string;
    created_ms: string;
    expires_ms: string;
    version: string;
  }>();
  return rows.map((r) => ({
    tokenHash: r.token_hash,
    user: r.user,
    csrf: r.csrf,
    createdMs: Number(r.created_ms),
    expiresMs: Number(r.expires_ms),
    revoked: false,
    version: Number(r.version),
  }));
}
