import type { Static, TSchema } from 'typebox';
import { apiGet, apiUrl, type QueryParams } from '../api.ts';

interface InFlight {
  readonly answer: Promise<unknown>;
  readonly abort: AbortController;
  waiting: number;
}

const inFlight = new Map<string, InFlight>();

/**
 * `apiGet`, but callers asking the same URL while it is in flight share one request (checked
 * against the first caller's schema: one path, one schema): a board's rate, error and latency
 * panels of one service ask for the same RED overview.
 * The request is aborted only when every caller has aborted; each caller's own abort rejects
 * only its own promise.
 */
export function sharedGet<S extends TSchema>(
  schema: S,
  path: string,
  query: QueryParams,
  signal: AbortSignal,
): Promise<Static<S>> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  const key = apiUrl(path, query);
  let entry = inFlight.get(key);
  if (!entry) {
    const abort = new AbortController();
    const answer = apiGet(schema, path, query, abort.signal).finally(() => {
      if (inFlight.get(key) === entry) inFlight.delete(key);
    });
    entry = { answer, abort, waiting: 0 };
    inFlight.set(key, entry);
  }
  const shared = entry;
  shared.waiting++;
  return new Promise<Static<S>>((resolve, reject) => {
    const leave = () => {
      signal.removeEventListener('abort', onAbort);
      shared.waiting--;
    };
    const onAbort = () => {
      leave();
      if (shared.waiting === 0) {
        if (inFlight.get(key) === shared) inFlight.delete(key);
        shared.abort.abort();
      }
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort);
    shared.answer.then(
      (body) => {
        if (signal.aborted) return;
        leave();
        resolve(body as Static<S>);
      },
      (err: unknown) => {
        if (signal.aborted) return;
        leave();
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

const abortReason = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError');
