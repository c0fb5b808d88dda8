import { Type, type Static } from 'typebox';
import { DashboardTimeRange } from './dashboards.ts';

/** A saved log search: a name, the search-language query, the chosen columns and a time range. */

export const MAX_SAVED_SEARCH_COLUMNS = 20;

const inputProperties = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  /** Search language, as typed in the logs page's query bar ('' matches every record). */
  query: Type.String({ maxLength: 8192 }),
  /** Field columns shown beside the message, in order: `service`, `level` or attribute keys. */
  columns: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
    maxItems: MAX_SAVED_SEARCH_COLUMNS,
  }),
  timeRange: DashboardTimeRange,
};

export const SavedSearchInput = Type.Object(inputProperties);
export type SavedSearchInput = Static<typeof SavedSearchInput>;

export const SavedSearch = Type.Object({
  ...inputProperties,
  id: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type SavedSearch = Static<typeof SavedSearch>;

export const SavedSearchList = Type.Object({
  /** By name (case-insensitive), then id. */
  searches: Type.Array(SavedSearch),
});
export type SavedSearchList = Static<typeof SavedSearchList>;

export const SavedSearchParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
});
export type SavedSearchParams = Static<typeof SavedSearchParams>;
