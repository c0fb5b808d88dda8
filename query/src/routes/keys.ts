import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  ApiKeyInfo,
  CreatedKeyResponse,
  CreateKeyRequest,
  KeyIdParams,
  KeyListResponse,
} from '@sightline/model/api/auth';
import { ErrorResponse } from '@sightline/model/api/common';
import { SightlineError } from '@sightline/model/errors';
import {
  createKey,
  keyInfo,
  listKeys,
  revokeKey,
  type AuthStore,
} from '@sightline/store/auth/keys';
import type { AuthVerifier } from '@sightline/store/auth/verifier';

export interface KeyRouteOptions {
  readonly store: AuthStore;
  /** Told of revocations at once, so this instance stops honouring the key before the next refresh. */
  readonly verifier: AuthVerifier | undefined;
}

const ERRORS = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

export const keyRoutes: FastifyPluginCallbackTypebox<KeyRouteOptions> = (app, opts, done) => {
  app.post(
    '/keys',
    {
      schema: {
        summary: 'Create an API key; the response is the only time the whole key is shown',
        tags: ['keys'],
        body: CreateKeyRequest,
        response: { 201: CreatedKeyResponse, ...ERRORS },
      },
    },
    async (req, reply) => {
      const { key, stored } = await createKey(opts.store, {
        name: req.body.name,
        scopes: req.body.scopes,
        createdBy: req.principal?.name ?? 'local',
      });
      req.log.info(
        { keyId: stored.id, prefix: stored.prefix, scopes: stored.scopes },
        'API key created',
      );
      return reply.code(201).send({ key, info: keyInfo(stored) });
    },
  );

  app.get(
    '/keys',
    {
      schema: {
        summary: 'Every API key (prefix only, never the secret), revoked ones included',
        tags: ['keys'],
        response: { 200: KeyListResponse, ...ERRORS },
      },
    },
    async () => ({ keys: (await listKeys(opts.store)).map(keyInfo) }),
  );

  app.delete(
    '/keys/:id',
    {
      schema: {
        summary: 'Revoke an API key by id or prefix; every instance refuses it within seconds',
        tags: ['keys'],
        params: KeyIdParams,
        response: {
          200: Type.Object({ key: ApiKeyInfo }),
          404: ErrorResponse,
          409: ErrorResponse,
          ...ERRORS,
        },
      },
    },
    async (req) => {
      const r = await revokeKey(opts.store, req.params.id);
      if (r.status === 'not-found') {
        throw new SightlineError(
          'SL_ERR_KEY_NOT_FOUND',
          404,
          `id: no API key with id or prefix '${req.params.id}'`,
        );
      }
      if (r.status === 'ambiguous') {
        throw new SightlineError(
          'SL_ERR_KEY_AMBIGUOUS',
          409,
          `id: ${r.matches} keys share the prefix '${req.params.id}'; revoke by id`,
        );
      }
      opts.verifier?.forgetKey(r.key.id);
      if (r.status === 'revoked')
        req.log.info({ keyId: r.key.id, prefix: r.key.prefix }, 'API key revoked');
      return { key: keyInfo(r.key) };
    },
  );
  done();
};
