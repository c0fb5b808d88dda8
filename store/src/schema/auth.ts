import { qualified, tableEngine, type DdlContext } from './ddl-context.ts';

export const API_KEYS_TABLE = 'sightline_api_keys';
export const USERS_TABLE = 'sightline_users';
export const SESSIONS_TABLE = 'sightline_sessions';

// Small tables changed by inserting a newer row (higher version): readers use FINAL, so the
// newest row of an id wins whether or not a merge has happened yet.

export function apiKeysTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, API_KEYS_TABLE)} (
    id String,
    name String,
    prefix String,
    hash String,
    scopes Array(LowCardinality(String)),
    created_at DateTime64(3),
    created_by String,
    revoked_at Nullable(DateTime64(3)),
    version UInt64
) ${tableEngine(ctx, 'ReplacingMergeTree(version)')}
ORDER BY id`;
}

export function usersTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, USERS_TABLE)} (
    name String,
    password_hash String,
    role LowCardinality(String),
    created_at DateTime64(3),
    version UInt64
) ${tableEngine(ctx, 'ReplacingMergeTree(version)')}
ORDER BY name`;
}

/** Only a hash of the session token is stored: a leaked table does not sign anyone in. */
export function sessionsTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, SESSIONS_TABLE)} (
    token_hash String,
    user String,
    csrf String,
    created_at DateTime64(3),
    expires_at DateTime64(3),
    revoked_at Nullable(DateTime64(3)),
    version UInt64
) ${tableEngine(ctx, 'ReplacingMergeTree(version)')}
ORDER BY token_hash
TTL toDateTime(expires_at) + toIntervalDay(1)`;
}
