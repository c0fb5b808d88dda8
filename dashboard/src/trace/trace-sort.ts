import type { TraceSummary } from '@sightline/model/api/traces';
import type { Sort } from '../components/table-sort.ts';

export const TRACE_SORT_KEYS = ['start', 'duration', 'spans', 'errors'] as const;
export type TraceSortKey = (typeof TRACE_SORT_KEYS)[number];
/** The API's own order: newest first. */
export const NEWEST_FIRST: Sort<TraceSortKey> = { key: 'start', desc: true };

const cmpBig = (a: string, b: string): number => {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};

function compare(a: TraceSummary, b: TraceSummary, key: TraceSortKey): number {
  switch (key) {
    case 'start':
      return cmpBig(a.startTimeUnixNano, b.startTimeUnixNano);
    case 'duration':
      return cmpBig(a.durationNano, b.durationNano);
    case 'spans':
      return a.spanCount - b.spanCount;
    case 'errors':
      return a.errorCount - b.errorCount;
  }
}

/** Traces in the chosen order; ties newest first, then by id, so the order is stable. */
export function sortTraces(
  traces: readonly TraceSummary[],
  sort: Sort<TraceSortKey>,
): TraceSummary[] {
  return [...traces].sort((a, b) => {
    const c = compare(a, b, sort.key);
    return (
      (sort.desc ? -c : c) ||
      cmpBig(b.startTimeUnixNano, a.startTimeUnixNano) ||
      (a.traceId < b.traceId ? -1 : 1)
    );
  });
}
