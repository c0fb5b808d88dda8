import { useCallback, useEffect, useState } from 'react';
import type { WhoAmIResponse } from '@sightline/model/api/auth';

const CSRF_COOKIE = 'sl_csrf';
const UNAUTHENTICATED = 'sightline:unauthenticated';

/**
 * The session's CSRF token, for requests that change something: the server set it in a cookie
 * this page can read and a page on another site cannot, so echoing it proves the request is ours.
 */
export function csrfHeaders(method: string | undefined): Record<string, string> {
  if (!method || method === 'GET' || method === 'HEAD') return {};
  const token = document.cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${CSRF_COOKIE}=`))
    ?.slice(CSRF_COOKIE.length + 1);
  return token ? { 'x-csrf-token': decodeURIComponent(token) } : {};
}

/** Any API answer of 401 means the session is gone: the app shows the sign-in page. */
export function notifyUnauthenticated(): void {
  window.dispatchEvent(new Event(UNAUTHENTICATED));
}

export type AuthState =
  | { readonly status: 'checking' }
  | { readonly status: 'off' }
  | { readonly status: 'signed-out' }
  | { readonly status: 'signed-in'; readonly me: WhoAmIResponse };

async function whoAmI(): Promise<AuthState> {
  const res = await fetch('/api/v1/auth/me', { headers: { accept: 'application/json' } });
  if (res.status === 401) return { status: 'signed-out' };
  if (!res.ok) return { status: 'off' };
  const me = (await res.json()) as WhoAmIResponse;
  return me.authEnabled ? { status: 'signed-in', me } : { status: 'off' };
}

export interface SignInResult {
  readonly ok: boolean;
  readonly message?: string;
}

export async function signIn(name: string, password: string): Promise<SignInResult> {
  const res = await fetch('/api/v1/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (res.ok) return { ok: true };
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return { ok: false, message: body?.error?.message ?? `Sign-in failed (HTTP ${res.status}).` };
}

/** Whether auth is on and who is signed in; re-checked after sign-in, sign-out and any 401. */
export function useAuth(): AuthState & { recheck: () => void; signOut: () => Promise<void> } {
  const [state, setState] = useState<AuthState>({ status: 'checking' });
  const recheck = useCallback(() => {
    whoAmI().then(setState, () => setState({ status: 'off' }));
  }, []);
  useEffect(() => {
    recheck();
    const onUnauthenticated = () => setState({ status: 'signed-out' });
    window.addEventListener(UNAUTHENTICATED, onUnauthenticated);
    return () => window.removeEventListener(UNAUTHENTICATED, onUnauthenticated);
  }, [recheck]);
  const signOut = useCallback(async () => {
    await fetch('/api/v1/auth/sign-out', { method: 'POST', headers: csrfHeaders('POST') });
    setState({ status: 'signed-out' });
  }, []);
  return { ...state, recheck, signOut };
}
