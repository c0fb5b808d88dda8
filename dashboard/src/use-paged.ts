import { useEffect, useRef, useState } from 'react';
import { useApi, type Loadable } from './api.ts';

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export type Paged<T> = Loadable<Page<T>> & {
  readonly reload: () => void;
  /** Fetches the page after the last one loaded and appends it. */
  readonly more: () => void;
  readonly loadingMore: boolean;
  readonly moreError: Error | null;
};

/**
 * Cursor paging: the first page loads whenever `key` changes (like useApi), `more()` appends the
 * next one. Pages loaded for an older key are dropped, and a late answer for one is ignored.
 */
export function usePaged<T>(
  key: string | null,
  load: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T>>,
): Paged<T> {
  const first = useApi(key, (signal) => load(undefined, signal));
  const [extra, setExtra] = useState<{ key: string | null; items: T[]; next: string | null }>({
    key: null,
    items: [],
    next: null,
  });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<Error | null>(null);
  const inFlight = useRef<AbortController | null>(null);
  useEffect(
    () => () => {
      inFlight.current?.abort();
    },
    [key],
  );
  if (first.status !== 'ok') {
    return { ...first, more: () => undefined, loadingMore: false, moreError: null };
  }
  const mine = extra.key === key && first.data.nextCursor !== null;
  const items = mine ? [...first.data.items, ...extra.items] : first.data.items;
  const next = mine ? extra.next : first.data.nextCursor;
  const more = () => {
    if (next === null || loadingMore) return;
    const ctl = new AbortController();
    inFlight.current = ctl;
    setLoadingMore(true);
    setMoreError(null);
    load(next, ctl.signal).then(
      (page) => {
        setLoadingMore(false);
        if (ctl.signal.aborted) return;
        setExtra((e) => ({
          key,
          items: [...(e.key === key ? e.items : []), ...page.items],
          next: page.nextCursor,
        }));
      },
      (err: unknown) => {
        setLoadingMore(false);
        if (ctl.signal.aborted) return;
        setMoreError(err instanceof Error ? err : new Error(String(err)));
      },
    );
  };
  return {
    status: 'ok',
    data: { items, nextCursor: next },
    reload: () => {
      setExtra({ key: null, items: [], next: null });
      first.reload();
    },
    more,
    loadingMore,
    moreError,
  };
}
