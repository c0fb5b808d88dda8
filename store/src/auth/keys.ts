import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ApiKeyInfo, Scope } from '@sightline/model/api/auth';
import { qualified } from '../schema/ddl-context.ts';
import { API_KEYS_TABLE } from '../schema/auth.ts';
import { generateApiKey } from './api-key.ts';
import { INSERT_SETTINGS, iso, nextVersion } from './store-time.ts';

export interface AuthStore {
  /** Inserts. */
  readonly writer: ClickHouseClient;
  /** Reads. */
  readonly reader: ClickHouseClient;
  readonly database: string;
}

/** One stored key as the verifier needs it (the hash, never the key). */
export interface StoredKey extends ApiKeyInfo {
  readonly hash: string;
  readonly version: number;
}

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: Scope[];
  created_ms: string;
  created_by: string;
  revoked_ms: string | null;
  version: string;
}

const fromRow = (r: KeyRow): StoredKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  hash: r.hash,
  scopes: r.scopes,
  createdAt: iso(Number(r.created_ms)),
  createdBy: r.created_by,
  revokedAt: r.revoked_ms === null ? null : iso(Number(r.revoked_ms)),
  version: Number(r.version),
});

const SELECT = (s: AuthStore) => `SELECT id, name, prefix, hash, scopes,
    toUnixTimestamp64Milli(created_at) AS created_ms, created_by,
    toUnixTimestamp64Milli(revoked_at) AS revoked_ms, version
  FROM ${qualified(s, API_KEYS_TABLE)} FINAL`;

/** Every key, newest version of each; `activeOnly` leaves out revoked ones. */
export async function listKeys(s: AuthStore, activeOnly = false): Promise<StoredKey[]> {
  const rs = await s.reader.query({
    query: `${SELECT(s)} ${activeOnly ? 'WHERE revoked_at IS NULL' : ''} ORDER BY created_at`,
    format: 'JSONEachRow',
  });
  return (await rs.json<KeyRow>()).map(fromRow);
}

async function insertKey(s: AuthStore, k: StoredKey): Promise<void> {
  await s.writer.insert({
    table: qualified(s, API_KEYS_TABLE),
    values: [
      {
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        hash: k.hash,
        scopes: k.scopes,
        created_at: k.createdAt,
        created_by: k.createdBy,
        revoked_at: k.revokedAt,
        version: k.version,
      },
    ],
    format: 'JSONEachRow',
    clickhouse_settings: INSERT_SETTINGS,
  });
}

/** Makes a key; the returned `key` is the only time the secret exists outside its holder. */
export async function createKey(
  s: AuthStore,
  opts: { name: string; scopes: readonly Scope[]; createdBy: string },
): Promise<{ key: string; stored: StoredKey }> {
  const g = generateApiKey();
  const stored: StoredKey = {
    id: randomUUID(),
    name: opts.name,
    prefix: g.prefix,
    hash: g.hash,
    scopes: [...new Set(opts.scopes)],
    createdAt: iso(Date.now()),
    createdBy: opts.createdBy,
    revokedAt: null,
    version: nextVersion(),
  };
  await insertKey(s, stored);
  return { key: g.key, stored };
}

export type RevokeResult =
  | { readonly status: 'revoked' | 'already-revoked'; readonly key: StoredKey }
  | { readonly status: 'not-found' }
  | { readonly status: 'ambiguous'; readonly matches: number };

/** Revokes the key with this id or prefix (prefixes are random, a clash is reported, not guessed). */
export async function revokeKey(s: AuthStore, idOrPrefix: string): Promise<RevokeResult> {
  const rs = await s.reader.query({
    query: `${SELECT(s)} WHERE id = {v:String} OR prefix = {v:String}`,
    query_params: { v: idOrPrefix },
    format: 'JSONEachRow',
  });
  const matches = (await rs.json<KeyRow>()).map(fromRow);
  const [found] = matches;
  if (!found) return { status: 'not-found' };
  if (matches.length > 1) return { status: 'ambiguous', matches: matches.length };
  if (found.revokedAt !== null) return { status: 'already-revoked', key: found };
  const revoked: StoredKey = {
    ...found,
    revokedAt: iso(Date.now()),
    version: nextVersion(found.version),
  };
  await insertKey(s, revoked);
  return { status: 'revoked', key: revoked };
}

/** What lists show: everything but the hash. */
export const keyInfo = ({ hash: _hash, version: _version, ...info }: StoredKey): ApiKeyInfo => info;
