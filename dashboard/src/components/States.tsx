import type { ReactNode } from 'react';
import { ApiError } from '../api.ts';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status">
      <span className="spinner" aria-hidden /> Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <div className="hint">{children}</div>}
    </div>
  );
}

/** What the user can do about an error, by its kind. */
function adviceFor(error: Error): string {
  if (!(error instanceof ApiError))
    return 'Reload the page; if it persists, check the browser console.';
  if (error.code === 'SL_ERR_NETWORK')
    return 'Check that Sightline is running (npm start) and reachable, then retry.';
  if (
    error.code === 'SL_ERR_SEARCH_SYNTAX' ||
    error.code === 'SL_ERR_SEARCH_FIELD' ||
    error.status === 400
  )
    return 'Fix the query or filters above and search again.';
  if (error.status === 404)
    return 'It may be outside the retention period, or the link is mistyped.';
  if (error.status === 503 || error.status === 504)
    return 'The store is busy or down: retry in a moment, or narrow the time range.';
  return 'Retry; if it persists, look for the request id in the server log.';
}

export function ErrorPanel({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <strong>{error instanceof ApiError ? error.code : 'Error'}</strong>: {error.message}
      <div className="hint">
        {adviceFor(error)}
        {error instanceof ApiError && error.requestId && <> (request id {error.requestId})</>}
      </div>
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}
