import { useEffect, useState } from 'react';
import { LOG_TAIL_EVENTS, LogTailBatch, type LogRecord } from '@sightline/model/api/logs';
import { apiUrl, matches } from '../api.ts';

/** Rows kept on screen while tailing; older ones drop off the bottom. */
export const LIVE_MAX_ROWS = 1000;

export type LiveState =
  | { readonly status: 'connecting' | 'live' | 'reconnecting'; readonly rows: readonly LogRecord[] }
  | { readonly status: 'error'; readonly rows: readonly LogRecord[]; readonly message: string };

/** Follows GET /logs/tail (Server-Sent Events) while `enabled`; newest rows first. */
export function useLiveTail(q: string, enabled: boolean, selfTelemetry?: 'show'): LiveState {
  const [state, setState] = useState<LiveState>({ status: 'connecting', rows: [] });
  useEffect(() => {
    if (!enabled) return undefined;
    setState({ status: 'connecting', rows: [] });
    const source = new EventSource(apiUrl('/logs/tail', { q, selfTelemetry }));
    source.addEventListener(LOG_TAIL_EVENTS.ready, () =>
      setState((s) => ({ status: 'live', rows: s.rows })),
    );
    source.addEventListener(LOG_TAIL_EVENTS.logs, (e: MessageEvent<string>) => {
      const batch: unknown = JSON.parse(e.data);
      if (!matches(LogTailBatch, batch)) return;
      const fresh = [...batch.rows].reverse();
      setState((s) => ({ status: 'live', rows: [...fresh, ...s.rows].slice(0, LIVE_MAX_ROWS) }));
    });
    source.addEventListener('error', (e: Event) => {
      // The server's own `error` event carries a body and ends the stream; a bare error is the
      // connection dropping, which EventSource retries by itself.
      if (e instanceof MessageEvent && typeof e.data === 'string') {
        source.close();
        const body = JSON.parse(e.data) as { message?: string };
        setState((s) => ({
          status: 'error',
          rows: s.rows,
          message: body.message ?? 'the live tail stopped',
        }));
      } else if (source.readyState === EventSource.CLOSED) {
        setState((s) => ({
          status: 'error',
          rows: s.rows,
          message: 'the server refused the live tail',
        }));
      } else {
        setState((s) => ({ status: 'reconnecting', rows: s.rows }));
      }
    });
    return () => source.close();
  }, [q, enabled, selfTelemetry]);
  return state;
}
