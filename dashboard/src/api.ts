import { useEffect, useState } from 'react';
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { csrfHeaders, notifyUnauthenticated } from './auth.ts';

/** An API answer other than 2xx, or one whose shape is not what the schema says. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What to show a user for a failed call: the API's message, or whatever was thrown. */
export const errorText = (err: unknown): string =>
  err instanceof Error ? err.message : String(err);

export type QueryParams = Readonly<Record<string, string | number | undefined>>;

export function apiUrl(path: string, query: QueryParams = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== '') params.set(k, `${v}`);
  const qs = params.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ''}`;
}

interface ErrorBody {
  error?: { code?: string; message?: string; requestId?: string };
}

export function apiGet<S extends TSchema>(
  schema: S,
  path: string,
  query: QueryParams,
  signal?: AbortSignal,
): Promise<Static<S>> {
  return request(schema, apiUrl(path, query), path, { signal });
}

export function apiPost<S extends TSchema>(
  schema: S,
  path: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<Static<S>> {
  return request(schema, apiUrl(path), path, {
    signal,
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

/** PUT or DELETE (a 204 answer checks as `null`). */
export function apiSend<S extends TSchema>(
  schema: S,
  method: 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<Static<S>> {
  return request(schema, apiUrl(path), path, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
}

async function request<S extends TSchema>(
  schema: S,
  url: string,
  path: string,
  init: RequestInit & { signal?: AbortSignal | undefined },
): Promise<Static<S>> {
  const { signal } = init;
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers: { accept: 'application/json', ...csrfHeaders(init.method), ...init.headers },
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError('SL_ERR_NETWORK', 0, 'The Sightline API did not answer.');
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    if (res.status === 401) notifyUnauthenticated();
    const e = (body as ErrorBody | null)?.error;
    throw new ApiError(
      e?.code ?? 'SL_ERR_HTTP',
      res.status,
      e?.message ?? `HTTP ${res.status} from ${path}`,
      e?.requestId,
    );
  }
  const check = validator(schema);
  if (!check.Check(body)) {
    const first = check.Errors(body)[0];
    throw new ApiError(
      'SL_ERR_BAD_RESPONSE',
      res.status,
      `Unexpected response from ${path}${first ? ` at ${first.instancePath || '/'}: ${first.message}` : ''}`,
    );
  }
  return body as Static<S>;
}

/** The schema's verdict on a value that did not come through apiGet (an SSE event). */
export function matches<S extends TSchema>(schema: S, value: unknown): value is Static<S> {
  return validator(schema).Check(value);
}

interface Validator {
  Check(value: unknown): boolean;
  Errors(value: unknown): readonly { instancePath: string; message: string }[];
}
// Compiled once per schema: checking a 10,000-span trace this way takes milliseconds.
const validators = new WeakMap<TSchema, Validator>();
function validator(schema: TSchema): Validator {
  let v = validators.get(schema);
  if (!v) {
    v = Compile(schema);
    validators.set(schema, v);
  }
  return v;
}

export type Loadable<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: Error }
  | { readonly status: 'ok'; readonly data: T };

/** Loads whenever `key` changes; aborts the previous load. `reload` re-runs it. */
export function useApi<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
): Loadable<T> & { reload: () => void } {
  const [state, setState] = useState<{ key: string | null; value: Loadable<T> }>({
    key: null,
    value: { status: 'loading' },
  });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (key === null) return undefined;
    const ctl = new AbortController();
    setState((s) => ({
      key,
      value: s.key === key && s.value.status === 'ok' ? s.value : { status: 'loading' },
    }));
    load(ctl.signal).then(
      (data) => {
        if (!ctl.signal.aborted) setState({ key, value: { status: 'ok', data } });
      },
      (error: unknown) => {
        if (!ctl.signal.aborted) {
          setState({
            key,
            value: {
              status: 'error',
              error: error instanceof Error ? error : new Error(String(error)),
            },
          });
        }
      },
    );
    return () => ctl.abort();
    // `load` is recreated each render on purpose: `key` names everything it depends on.
  }, [key, nonce]);
  const value: Loadable<T> = state.key === key ? state.value : { status: 'loading' };
  return { ...value, reload: () => setNonce((n) => n + 1) };
}
