import type { LabelMatcher, VectorSelector } from '../../promql/ast.ts';
import { matchingSeriesSql } from '../../promql/catalog.ts';
import { parsePromQL } from '../../promql/parse.ts';
import { Params } from '../../sql/metrics-keys.ts';
import { invalidParam } from './params.ts';

/** Every series: what /labels and /label/<n>/values read without `match[]`. */
const EVERY_SERIES: VectorSelector = {
  kind: 'VectorSelector',
  matchers: [{ name: '__name__', op: '=~', value: '.+' }],
  offsetMs: 0,
  at: undefined,
};

const matchesEmpty = (m: LabelMatcher): boolean => {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return new RegExp(`^(?:${m.value})$`, 'su').test('');
    case '!~':
      return !new RegExp(`^(?:${m.value})$`, 'su').test('');
  }
};

/**
 * `match[]` values → selectors, refused as Prometheus refuses them: each must be a plain series
 * selector with at least one matcher that does not match the empty string.
 */
export function parseMatchers(values: readonly string[]): VectorSelector[] {
  return values.map((text) => {
    let e;
    try {
      e = parsePromQL(text);
    } catch (err) {
      throw invalidParam('match[]', (err as Error).message);
    }
    if (e.kind !== 'VectorSelector' || e.offsetMs !== 0 || e.at !== undefined) {
      throw invalidParam('match[]', `"${text}" is not a series selector such as up{job="x"}`);
    }
    if (e.matchers.every(matchesEmpty)) {
      throw invalidParam('match[]', 'match[] must contain at least one non-empty matcher');
    }
    return e;
  });
}

// Prometheus' start/end when unset are ±292 million years; the store holds nothing before 1970
// nor past 2262 (DateTime64(9)), so the window is clamped to what it can hold.
export const clampMs = (ms: number): number => Math.min(Math.max(ms, 0), 9_000_000_000_000);

export interface SeriesWindow {
  readonly selectors: readonly VectorSelector[];
  readonly fromMs: number;
  readonly toMs: number;
}

/** The distinct label sets of every selected series, as one SQL subquery with a column `ls`. */
function unionSql(w: SeriesWindow, p: Params, database: string): string {
  const sels = w.selectors.length > 0 ? w.selectors : [EVERY_SERIES];
  const from = clampMs(w.fromMs);
  const to = Math.max(from, clampMs(w.toMs));
  return sels.map((s) => matchingSeriesSql(s, from, to, p, database)).join(' UNION ALL ');
}

/** Label sets sorted as Prometheus sorts them (by name/value pairs), `max` of them at most. */
export function seriesSql(w: SeriesWindow, max: number, database: string) {
  const p = new Params('s');
  const sql = `SELECT ls FROM (${unionSql(w, p, database)}) GROUP BY ls
    ORDER BY arraySort(arrayZip(mapKeys(ls), mapValues(ls))) LIMIT ${p.add(max, 'UInt64')}`;
  return { sql, params: p.values };
}

/** Label names (column `v`), sorted bytewise. */
export function labelNamesSql(w: SeriesWindow, max: number, database: string) {
  const p = new Params('s');
  const sql = `SELECT DISTINCT arrayJoin(mapKeys(ls)) AS v FROM (${unionSql(w, p, database)})
    WHERE v != '' ORDER BY v LIMIT ${p.add(max, 'UInt64')}`;
  return { sql, params: p.values };
}

/** The values one label takes (column `v`), sorted bytewise (an empty value is no value). */
export function labelValuesSql(w: SeriesWindow, label: string, max: number, database: string) {
  const p = new Params('s');
  const key = p.add(label, 'String');
  const sql = `SELECT DISTINCT ls[${key}] AS v FROM (${unionSql(w, p, database)})
    WHERE v != '' ORDER BY v LIMIT ${p.add(max, 'UInt64')}`;
  return { sql, params: p.values };
}
