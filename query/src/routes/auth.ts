import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '@sightline/model/api/common';
import {
  SCOPES,
  SignedOutResponse,
  SignInRequest,
  WhoAmIResponse,
  type WhoAmIResponse as WhoAmI,
} from '@sightline/model/api/auth';
import type { Principal } from '@sightline/store/auth/principal';
import { hashPassword, verifyPassword } from '@sightline/store/auth/password';
import { createSession, revokeSession } from '@sightline/store/auth/sessions';
import { findUser } from '@sightline/store/auth/users';
import { unauthenticated } from '@sightline/store/auth/authenticate';
import type { QueryAuthOptions } from '../auth/guard.ts';
import {
  CSRF_COOKIE,
  csrfCookieOptions,
  SESSION_COOKIE,
  sessionCookieOptions,
} from '../auth/cookies.ts';

export interface AuthRouteOptions {
  /** Undefined: auth is off, and /auth/me says so (the dashboard then shows no sign-in). */
  readonly auth: QueryAuthOptions | undefined;
}

const whoAmI = (p: Principal, authEnabled: boolean): WhoAmI => ({
  kind: p.kind,
  name: p.name,
  scopes: [...p.scopes],
  ...(p.kind === 'session' ? { csrfToken: p.session.csrf } : {}),
  authEnabled,
});

// Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
const decoy = hashPassword('not a password anyone has');

export const authRoutes: FastifyPluginCallbackTypebox<AuthRouteOptions> = (app, opts, done) => {
  app.get(
    '/auth/me',
    {
      schema: {
        summary: 'Who the request is authenticated as, and its CSRF token for sessions',
        tags: ['auth'],
        response: { 200: WhoAmIResponse, 401: ErrorResponse },
      },
    },
    (req) =>
      req.principal
        ? whoAmI(req.principal, opts.auth !== undefined)
        : { kind: 'anonymous' as const, name: '', scopes: [...SCOPES], authEnabled: false },
  );

  const auth = opts.auth;
  if (!auth) return done();

  app.post(
    '/auth/sign-in',
    {
      schema: {
        summary: 'Sign in with name and password; sets an HttpOnly session cookie',
        tags: ['auth'],
        body: SignInRequest,
        response: { 200: WhoAmIResponse, 400: ErrorResponse, 401: ErrorResponse },
      },
      // Password guessing is limited per address, well below the general per-key limit.
      config: {
        rateLimit: { max: 10, timeWindow: 60_000, keyGenerator: (req) => `sign-in:${req.ip}` },
      },
    },
    async (req, reply) => {
      const { name, password } = req.body;
      const user = await findUser(auth.store, name);
      const ok = await verifyPassword(password, user?.passwordHash ?? (await decoy));
      if (!user || !ok) throw unauthenticated('wrong user name or password');
      const { token, session } = await createSession(
        auth.store,
        user.name,
        auth.sessionTtlSeconds * 1000,
      );
      auth.verifier.rememberSession(session);
      void reply
        .setCookie(
          SESSION_COOKIE,
          token,
          sessionCookieOptions(auth.secureCookies, auth.sessionTtlSeconds),
        )
        .setCookie(
          CSRF_COOKIE,
          session.csrf,
          csrfCookieOptions(auth.secureCookies, auth.sessionTtlSeconds),
        );
      req.log.info({ user: user.name }, 'signed in');
      const verified = await auth.verifier.verifySession(token);
      if (!verified) throw new Error('a session just created was not found');
      return whoAmI(verified, true);
    },
  );

  app.post(
    '/auth/sign-out',
    {
      schema: {
        summary: 'Ends the session (on every instance within seconds) and clears its cookies',
        tags: ['auth'],
        response: { 200: SignedOutResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (req, reply) => {
      const p = req.principal;
      if (p?.kind !== 'session') return { signedOut: false };
      await revokeSession(auth.store, p.session);
      auth.verifier.forgetSession(p.session.tokenHash);
      void reply
        .clearCookie(SESSION_COOKIE, sessionCookieOptions(auth.secureCookies, 0))
        .clearCookie(CSRF_COOKIE, csrfCookieOptions(auth.secureCookies, 0));
      return { signedOut: true };
    },
  );
  done();
};
