import { describe, expect, it } from 'vitest';
import type { TraceSummary } from '@sightline/model/api/traces';
import { readSort, writeSort } from '../components/table-sort.ts';
import { NEWEST_FIRST, sortTraces, TRACE_SORT_KEYS } from './trace-sort.ts';

const t = (
  id: string,
  start: string,
  dur: string,
  spans: number,
  errors: number,
): TraceSummary => ({
  traceId: id,
  rootServiceName: 's',
  rootName: 'op',
  rootSpanMissing: false,
  startTimeUnixNano: start,
  durationNano: dur,
  spanCount: spans,
  services: ['s'],
  errorCount: errors,
});

// Nanosecond times past 2^53: compared exactly, not as floats.
const TRACES = [
  t('a', '1765000000000000000001', '900', 3, 0),
  t('b', '1765000000000000000003', '5000000000', 1, 2),
  t('c', '1765000000000000000002', '0', 12, 0),
];
const ids = (xs: TraceSummary[]) => xs.map((x) => x.traceId);

describe('sortTraces', () => {
  it('orders by start, duration, spans and errors, either way', () => {
    expect(ids(sortTraces(TRACES, NEWEST_FIRST))).toEqual(['b', 'c', 'a']);
    expect(ids(sortTraces(TRACES, { key: 'start', desc: false }))).toEqual(['a', 'c', 'b']);
    expect(ids(sortTraces(TRACES, { key: 'duration', desc: true }))).toEqual(['b', 'a', 'c']);
    expect(ids(sortTraces(TRACES, { key: 'spans', desc: false }))).toEqual(['b', 'a', 'c']);
    // a and c tie on zero errors: newest first among them.
    expect(ids(sortTraces(TRACES, { key: 'errors', desc: true }))).toEqual(['b', 'c', 'a']);
  });
  it('reads and writes the order kept in the URL, falling back on an unknown key', () => {
    expect(readSort('-duration', TRACE_SORT_KEYS, NEWEST_FIRST)).toEqual({
      key: 'duration',
      desc: true,
    });
    expect(readSort('spans', TRACE_SORT_KEYS, NEWEST_FIRST)).toEqual({ key: 'spans', desc: false });
    expect(readSort('-name', TRACE_SORT_KEYS, NEWEST_FIRST)).toBe(NEWEST_FIRST);
    expect(readSort(null, TRACE_SORT_KEYS, NEWEST_FIRST)).toBe(NEWEST_FIRST);
    expect(writeSort({ key: 'errors', desc: true })).toBe('-errors');
  });
});
