import type { DashboardTimeRange } from '@sightline/model/api/dashboards';
import {
  SavedSearch,
  SavedSearchList,
  type SavedSearchInput,
} from '@sightline/model/api/saved-searches';
import { apiGet, apiPost } from '../api.ts';
import { writeTimeRange, type TimeRange } from '../time-range.ts';
import { writeColumns } from './log-fields.ts';

export const listSavedSearches = (signal: AbortSignal) =>
  apiGet(SavedSearchList, '/saved-searches', {}, signal);

export const getSavedSearch = (id: string, signal?: AbortSignal) =>
  apiGet(SavedSearch, `/saved-searches/${encodeURIComponent(id)}`, {}, signal);

export const createSavedSearch = (s: SavedSearchInput) =>
  apiPost(SavedSearch, '/saved-searches', s);

/** The page's range as stored: a sliding window stays sliding, fixed bounds are ISO 8601. */
export function storedRange(range: TimeRange): DashboardTimeRange {
  if (range.kind === 'relative') return { last: range.last };
  return { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() };
}

/** The logs page's URL for a saved search: its query, columns and time range. */
export function savedSearchHref(s: SavedSearch): string {
  const params = new URLSearchParams();
  if (s.query !== '') params.set('q', s.query);
  const cols = writeColumns(s.columns);
  if (cols !== null) params.set('cols', cols);
  if ('last' in s.timeRange) writeTimeRange(params, { kind: 'relative', last: s.timeRange.last });
  else {
    params.set('from', s.timeRange.from);
    params.set('to', s.timeRange.to);
  }
  return `/logs?${params.toString()}`;
}

/** The link to share: opening it loads the saved search by id. */
export const shareHref = (id: string): string =>
  `${location.origin}/logs?saved=${encodeURIComponent(id)}`;
