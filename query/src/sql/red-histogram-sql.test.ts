import { describe, expect, it } from 'vitest';
import { compileSearch } from '../search/compile-search.ts';
import { Params } from './metrics-keys.ts';
import { servedByHistogram } from './red-histogram-sql.ts';
import { redHistogramSql } from './red-stats.ts';

const served = (q: string) => servedByHistogram(compileSearch(q, 'spans'));

describe('servedByHistogram', () => {
  it('takes searches over service, operation, kind and status', () => {
    expect(servedByHistogram(undefined)).toBe(true);
    for (const q of [
      'service:checkout',
      'service:checkout OR service:cart',
      '-service:checkout',
      'service:ch*',
      'name:"GET /ä"',
      'kind:server status:error',
    ]) {
      expect(served(q), q).toBe(true);
    }
  });

  it('leaves the rest to the spans: durations, attributes, free text', () => {
    for (const q of ['duration:>500ms', 'http.status_code:500', 'checkout', 'trace_id:abc']) {
      expect(served(q), q).toBe(false);
    }
  });
});

describe('redHistogramSql', () => {
  it('scans the histogram table once and merges the totals from the step rows', () => {
    const grid = { fromMs: 0, toMs: 6 * 3_600_000, stepMs: 1_800_000, points: 12 };
    const { query, query_params } = redHistogramSql(
      '`db`',
      'ServiceName',
      'X',
      grid,
      20,
      new Params('r'),
    );
    expect(query.match(/FROM `db`\.sightline_red_histogram_1m WHERE X/g)).toHaveLength(1);
    expect(query).toContain('GROUP BY GROUPING SETS ((name), (name, b))');
    expect(query).not.toContain('otel_traces');
    expect(Object.values(query_params)).toEqual([1_800_000, 21]);
  });
});
