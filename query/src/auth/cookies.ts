import type { CookieSerializeOptions } from '@fastify/cookie';

export const SESSION_COOKIE = 'sl_session';
/** Readable by the dashboard's script, which echoes it in x-csrf-token. */
export const CSRF_COOKIE = 'sl_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export const sessionCookieOptions = (
  secure: boolean,
  maxAgeSeconds: number,
): CookieSerializeOptions => ({
  path: '/',
  httpOnly: true,
  sameSite: 'strict',
  secure,
  maxAge: maxAgeSeconds,
});

export const csrfCookieOptions = (
  secure: boolean,
  maxAgeSeconds: number,
): CookieSerializeOptions => ({
  path: '/',
  httpOnly: false,
  sameSite: 'strict',
  secure,
  maxAge: maxAgeSeconds,
});
