import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '@sightline/model/api/common';
import {
  Dashboard,
  DashboardInput,
  DashboardList,
  DashboardListQuery,
  DashboardParams,
  DashboardUpdate,
} from '@sightline/model/api/dashboards';
import { dashboardProblem } from '@sightline/model/api/dashboard-check';
import { upgradeDashboard } from '@sightline/model/api/dashboard-upgrade';
import { SightlineError } from '@sightline/model/errors';
import type { StoreClients } from '@sightline/store/client-factory';
import {
  createDashboard,
  deleteDashboard,
  getDashboard,
  listDashboards,
  replaceDashboard,
} from '@sightline/store/dashboards';

export interface DashboardRouteOptions {
  readonly store: StoreClients;
}

/** What the schema cannot check (ids, `$variables`, the grid) is a 400 naming the field too. */
function checked(d: DashboardInput): DashboardInput {
  const problem = dashboardProblem(d);
  if (problem !== null) throw new SightlineError('SL_ERR_VALIDATION', 400, `body/${problem}`);
  return d;
}

/** Saved dashboards: one versioned JSON document each. */
export const dashboardApiRoutes: FastifyPluginCallbackTypebox<DashboardRouteOptions> = (
  app,
  opts,
  done,
) => {
  const store = opts.store;
  const tags = ['dashboards'];
  // A document of the older one-query panel shape (an old export) is taken as today's.
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.method === 'POST' || req.method === 'PUT') req.body = upgradeDashboard(req.body);
    done();
  });

  app.get(
    '/dashboards',
    {
      schema: {
        tags,
        summary: 'Saved dashboards, searched by title and tag',
        querystring: DashboardListQuery,
        response: { 200: DashboardList },
      },
    },
    async (req) => ({ dashboards: await listDashboards(store, req.query) }),
  );

  app.post(
    '/dashboards',
    {
      schema: {
        tags,
        summary: 'Save a new dashboard (version 1)',
        body: DashboardInput,
        response: { 201: Dashboard, 400: ErrorResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await createDashboard(store, checked(req.body))),
  );

  app.get(
    '/dashboards/:id',
    {
      schema: {
        tags,
        summary: 'One dashboard, as its latest save',
        params: DashboardParams,
        response: { 200: Dashboard, 404: ErrorResponse },
      },
    },
    async (req) => getDashboard(store, req.params.id),
  );

  app.put(
    '/dashboards/:id',
    {
      schema: {
        tags,
        summary: 'Save a dashboard again; `version` must be the latest one (else 409)',
        params: DashboardParams,
        body: DashboardUpdate,
        response: { 200: Dashboard, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req) => replaceDashboard(store, req.params.id, checked(req.body), req.body.version),
  );

  app.delete(
    '/dashboards/:id',
    {
      schema: {
        tags,
        summary: 'Delete a dashboard',
        params: DashboardParams,
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      await deleteDashboard(store, req.params.id);
      return reply.code(204).send(null);
    },
  );

  done();
};
