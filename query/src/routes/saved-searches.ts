import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '@sightline/model/api/common';
import {
  SavedSearch,
  SavedSearchInput,
  SavedSearchList,
  SavedSearchParams,
} from '@sightline/model/api/saved-searches';
import { SightlineError } from '@sightline/model/errors';
import { parseSearch } from '@sightline/model/search/parse';
import type { StoreClients } from '@sightline/store/client-factory';
import {
  createSavedSearch,
  deleteSavedSearch,
  getSavedSearch,
  listSavedSearches,
} from '@sightline/store/saved-searches';
import { withParam } from '../search/compile-search.ts';

export interface SavedSearchRouteOptions {
  readonly store: StoreClients;
}

const invalid = (field: string, problem: string): SightlineError =>
  new SightlineError('SL_ERR_VALIDATION', 400, `body/${field} ${problem}`);

/** Epoch ms or ISO 8601 with a zone, as the logs API reads `from` and `to`. */
const instant = (v: string): number => (/^\d+$/.test(v) ? Number(v) : Date.parse(v));

/** What the schema cannot check: the query must parse, fixed bounds must be times in order. */
function checked(input: SavedSearchInput): SavedSearchInput {
  withParam('body/query', () => parseSearch(input.query));
  const range = input.timeRange;
  if ('from' in range) {
    const from = instant(range.from);
    const to = instant(range.to);
    if (!Number.isFinite(from))
      throw invalid('timeRange/from', 'is not a time (ISO 8601 or epoch ms)');
    if (!Number.isFinite(to)) throw invalid('timeRange/to', 'is not a time (ISO 8601 or epoch ms)');
    if (from >= to) throw invalid('timeRange/to', 'must be after timeRange/from');
  }
  return input;
}

/** Saved log searches: stored like dashboards, opened by id from a shareable URL. */
export const savedSearchRoutes: FastifyPluginCallbackTypebox<SavedSearchRouteOptions> = (
  app,
  opts,
  done,
) => {
  const store = opts.store;
  const tags = ['logs'];

  app.get(
    '/saved-searches',
    {
      schema: {
        tags,
        summary: 'Saved log searches, by name',
        response: { 200: SavedSearchList },
      },
    },
    async () => ({ searches: await listSavedSearches(store) }),
  );

  app.post(
    '/saved-searches',
    {
      schema: {
        tags,
        summary: 'Save a log search: name, query, columns and time range',
        body: SavedSearchInput,
        response: { 201: SavedSearch, 400: ErrorResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await createSavedSearch(store, checked(req.body))),
  );

  app.get(
    '/saved-searches/:id',
    {
      schema: {
        tags,
        summary: 'One saved log search',
        params: SavedSearchParams,
        response: { 200: SavedSearch, 404: ErrorResponse },
      },
    },
    async (req) => getSavedSearch(store, req.params.id),
  );

  app.delete(
    '/saved-searches/:id',
    {
      schema: {
        tags,
        summary: 'Delete a saved log search',
        params: SavedSearchParams,
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      await deleteSavedSearch(store, req.params.id);
      return reply.code(204).send(null);
    },
  );

  done();
};
