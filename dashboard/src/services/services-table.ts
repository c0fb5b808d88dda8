import type { ServiceRed } from '@sightline/model/api/services';

/**
 * The request rate of the last bucket that has fully passed (its end at or before `nowMs`), with
 * that bucket's bounds; undefined when none has. A bucket without spans counts as 0/s.
 */
export function currentRate(
  series: readonly (readonly [number, number | null])[],
  stepMs: number,
  nowMs: number,
): { perSecond: number; fromMs: number; toMs: number } | undefined {
  for (let i = series.length - 1; i >= 0; i--) {
    const [t, v] = series[i]!;
    if (t + stepMs <= nowMs) return { perSecond: v ?? 0, fromMs: t, toMs: t + stepMs };
  }
  return undefined;
}

export const SORT_KEYS = ['service', 'requests', 'rate', 'now', 'errorRate', 'p95'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface Sort {
  readonly key: SortKey;
  readonly desc: boolean;
}

/** `sort=rate` or `sort=-rate` (descending) from the URL; by service name otherwise. */
export function readSort(param: string | null): Sort {
  const desc = param?.startsWith('-') ?? false;
  const key = (desc ? param!.slice(1) : param) as SortKey;
  return SORT_KEYS.includes(key) ? { key, desc } : { key: 'service', desc: false };
}

export const writeSort = (s: Sort): string => `${s.desc ? '-' : ''}${s.key}`;

type Row = ServiceRed & { readonly now: number | null };

/** Rows in the chosen order; missing values (no p95, no error rate) go last either way. */
export function sortRows<R extends Row>(rows: readonly R[], sort: Sort): R[] {
  const value = (r: R): string | number | null => {
    switch (sort.key) {
      case 'service':
        return r.service;
      case 'requests':
        return r.requests;
      case 'rate':
        return r.requestRate;
      case 'now':
        return r.now;
      case 'errorRate':
        return r.errorRate;
      case 'p95':
        return r.p95Ms;
    }
  };
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const c = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    return (sort.desc ? -c : c) || a.service.localeCompare(b.service);
  });
}
