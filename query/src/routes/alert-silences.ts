import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '@sightline/model/api/common';
import {
  AlertRuleParams,
  AlertSilence,
  AlertSilenceInput,
  AlertSilenceList,
} from '@sightline/model/api/alerts';
import type { StoreClients } from '@sightline/store/client-factory';
import { createSilence, deleteSilence, listSilences } from '../alerts/rules.ts';

export interface AlertSilenceRouteOptions {
  readonly store: StoreClients;
}

/** Silences: alerts still evaluate and record history, but nothing is sent. */
export const alertSilenceRoutes: FastifyPluginCallbackTypebox<AlertSilenceRouteOptions> = (
  app,
  opts,
  done,
) => {
  const store = opts.store;

  app.get(
    '/alerts/silences',
    { schema: { summary: 'Every silence, active or not', response: { 200: AlertSilenceList } } },
    async () => ({
      silences: (await listSilences(store, Date.now())).map(
        ({ id, ruleId, matchers, startsAt, endsAt, comment, active }) => ({
          id,
          ruleId,
          matchers,
          startsAt,
          endsAt,
          comment,
          active,
        }),
      ),
    }),
  );

  app.post(
    '/alerts/silences',
    {
      schema: {
        summary: 'Silence a rule, or every alert whose labels match, until a time',
        body: AlertSilenceInput,
        response: { 201: AlertSilence, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await createSilence(store, req.body, Date.now())),
  );

  app.delete(
    '/alerts/silences/:id',
    {
      schema: {
        summary: 'End a silence now',
        params: AlertRuleParams,
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      await deleteSilence(store, req.params.id);
      return reply.code(204).send(null);
    },
  );
  done();
};
