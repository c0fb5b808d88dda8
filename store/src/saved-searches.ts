import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { SavedSearch, SavedSearchInput } from '@sightline/model/api/saved-searches';
import { SightlineError } from '@sightline/model/errors';
import { qualified } from './schema/ddl-context.ts';
import { SAVED_SEARCHES_TABLE } from './schema/saved-searches.ts';
import { INSERT_SETTINGS } from './auth/store-time.ts';

export interface SavedSearchStore {
  readonly writer: ClickHouseClient;
  readonly reader: ClickHouseClient;
  readonly database: string;
}

const notFound = (id: string): SightlineError =>
  new SightlineError('SL_ERR_NOT_FOUND', 404, `no saved search with id '${id}'`);

async function write(s: SavedSearchStore, d: SavedSearch, version: number): Promise<void> {
  await s.writer.insert({
    table: qualified(s, SAVED_SEARCHES_TABLE),
    values: [
      {
        id: d.id,
        version,
        deleted: version > 1 ? 1 : 0,
        name: d.name,
        search: JSON.stringify(d),
        created_at: d.createdAt,
        updated_at: d.updatedAt,
      },
    ],
    format: 'JSONEachRow',
    clickhouse_settings: INSERT_SETTINGS,
  });
}

/** Every saved search that is not deleted, by name. */
export async function listSavedSearches(s: SavedSearchStore): Promise<SavedSearch[]> {
  const rs = await s.reader.query({
    query: `SELECT search FROM ${qualified(s, SAVED_SEARCHES_TABLE)} FINAL
      WHERE deleted = 0 ORDER BY lowerUTF8(name), id`,
    format: 'JSONEachRow',
  });
  return (await rs.json<{ search: string }>()).map((r) => JSON.parse(r.search) as SavedSearch);
}

export async function getSavedSearch(s: SavedSearchStore, id: string): Promise<SavedSearch> {
  const rs = await s.reader.query({
    query: `SELECT search, deleted FROM ${qualified(s, SAVED_SEARCHES_TABLE)} FINAL WHERE id = {id:String}`,
    query_params: { id },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ search: string; deleted: number }>();
  if (!row || Number(row.deleted) === 1) throw notFound(id);
  return JSON.parse(row.search) as SavedSearch;
}

export async function createSavedSearch(
  s: SavedSearchStore,
  input: SavedSearchInput,
): Promise<SavedSearch> {
  const now = new Date().toISOString();
  // Only the document's own fields are kept; a column chosen twice is shown once.
  const d: SavedSearch = {
    name: input.name,
    query: input.query,
    columns: [...new Set(input.columns)],
    timeRange: input.timeRange,
    id: randomUUID(),
    createdAt: now,
    updatedAt: now,
  };
  await write(s, d, 1);
  return d;
}

/** A saved search is written once and deleted once: the deletion is its version 2. */
export async function deleteSavedSearch(s: SavedSearchStore, id: string): Promise<void> {
  const current = await getSavedSearch(s, id);
  await write(s, { ...current, updatedAt: new Date().toISOString() }, 2);
}
