import type { Params } from './metrics-keys.ts';
import type { StepGrid } from './metrics-grid.ts';
import { evalTimeMs } from './metrics-prom-sql.ts';

/**
 * Window functions computed from each window's first and last samples only. Each series' samples
 * are gathered once into arrays in time order, numbered (k), with running sums of what a window
 * adds up (reset corrections, value changes, values); a window [a, b] then needs samples a and b
 * alone: n = k_b − k_a + 1, a sum is running_b − running_a. A sample is the last of the windows
 * that hold it and not the next sample, the first of those that hold it and not the previous one,
 * so each evaluation costs one element whatever the ratio of range to step, instead of one row per
 * sample it holds. Arrays are only mapped element by element (no lambda reads another array by
 * index, which ClickHouse would copy per element).
 */
/** The functions computed here, and the aggregates each needs over its window's edges. */
export const EDGE_FUNCTIONS = [
  'rate',
  'increase',
  'delta',
  'irate',
  'idelta',
  'resets',
  'changes',
  'count_over_time',
  'last_over_time',
  'present_over_time',
] as const;
export type EdgeFunction = (typeof EDGE_FUNCTIONS)[number];
export const isEdgeFunction = (fn: string): fn is EdgeFunction =>
  (EDGE_FUNCTIONS as readonly string[]).includes(fn);

/**
 * Over a series' arrays ts (times, ms, ascending), the steps each sample is the last and the first
 * sample of: SQL defining `_lastN` and `_firstN` (per sample, how many steps) and `_steps` (the
 * evaluation indexes with samples, ascending), given the windows (T − before, T] when `openLeft`
 * holds, else [T − before, T].
 */
function edgeArrays(grid: StepGrid, beforeMs: number, p: Params, openLeft: string): string[] {
  const first = p.add(evalTimeMs(grid, 0), 'Int64');
  const step = p.add(grid.stepMs, 'Int64');
  const before = p.add(beforeMs, 'Int64');
  const last = grid.points - 1;
  const reach = `(t + ${before} - ${first}) / ${step}`;
  return [
    `arrayMap(t -> greatest(0, toInt64(ceil((t - ${first}) / ${step}))), ts) AS _lo`,
    `arrayMap(t -> least(${last}, toInt64(if(${openLeft}, ceil(${reach}) - 1, floor(${reach})))), ts) AS _hi`,
    `arrayMap((h, nl) -> least(h, nl - 1), _hi, arrayPushBack(arrayPopFront(_lo), ${last + 1})) AS _lastHi`,
    `arrayMap((l, ph) -> greatest(l, ph + 1), _lo, arrayPushFront(arrayPopBack(_hi), -1)) AS _firstLo`,
    `arrayMap((l, h) -> toUInt32(greatest(0, h + 1 - l)), _lo, _lastHi) AS _lastN`,
    `arrayMap((l, h) -> toUInt32(greatest(0, h + 1 - l)), _firstLo, _hi) AS _firstN`,
    `arrayFlatten(arrayMap((l, c) -> range(toUInt32(l), toUInt32(l + c)), _lo, _lastN)) AS _steps`,
  ];
}

/** A per-sample array spread over the steps the sample is the last (or first) of. */
const atLast = (xs: string) =>
  `arrayFlatten(arrayMap((c, x) -> arrayWithConstant(c, x), _lastN, ${xs}))`;
const atFirst = (xs: string) =>
  `arrayFlatten(arrayMap((c, x) -> arrayWithConstant(c, x), _firstN, ${xs}))`;

/** The array of the previous elements (the first one's is `none`). */
const previous = (xs: string, none: string) => `arrayPushFront(arrayPopBack(${xs}), ${none})`;

/**
 * The newest sample in [T − before, T] of every series at every step: rows (sk, i, val), val NULL
 * where that sample is a staleness marker. `read` has columns (sk, t, v, stale).
 */
export function edgeInstantSql(read: string, grid: StepGrid, beforeMs: number, p: Params): string {
  const arrays = `SELECT sk, arraySort(x -> x.1, groupArray((t, v, stale))) AS _s,
      arrayMap(x -> x.1, _s) AS ts, ${edgeArrays(grid, beforeMs, p, '0').join(', ')}
    FROM (${read}) GROUP BY sk`;
  return `SELECT sk, i, if(_stale, NULL, _v) AS val FROM (${arrays})
    ARRAY JOIN _steps AS i, ${atLast('arrayMap(x -> x.2, _s)')} AS _v,
      ${atLast('arrayMap(x -> x.3, _s)')} AS _stale`;
}

/** What each function reads of its windows' first (…1) and last (…n) samples: per-step arrays. */
function edgeColumns(fn: EdgeFunction): string[] {
  const n = [`${atLast('_k')} AS _kn`, `${atFirst('_k')} AS _k1`];
  switch (fn) {
    case 'rate':
    case 'increase':
    case 'delta':
      return [
        ...n,
        `${atFirst('ts')} AS t1`,
        `${atLast('ts')} AS tn`,
        `${atFirst('vs')} AS v1`,
        `${atLast('vs')} AS vn`,
        // A sum over the window: the running sum at its last sample less that before its first.
        `${atLast('_csv')} AS _svn`,
        `${atFirst('arrayMap((c, v) -> c - v, _csv, vs)')} AS _sv1`,
        ...(fn === 'delta' ? [] : [`${atLast('_crc')} AS _rcn`, `${atFirst('_crc')} AS _rc1`]),
      ];
    case 'irate':
      return [
        ...n,
        `${atLast('ts')} AS tn`,
        `${atLast('vs')} AS vn`,
        `${atLast(previous('vs', '0'))} AS pvn`,
        `${atLast(previous('ts', '0'))} AS ptn`,
        `${atLast('sts')} AS stn`,
      ];
    case 'idelta':
      return [...n, `${atLast('vs')} AS vn`, `${atLast(previous('vs', '0'))} AS pvn`];
    case 'resets':
    case 'changes':
      return [`${atLast('_cev')} AS _cevn`, `${atFirst('_cev')} AS _cev1`];
    case 'count_over_time':
      return n;
    case 'last_over_time':
      return [`${atLast('vs')} AS _vn`];
    case 'present_over_time':
      return [];
  }
}

/** The aggregates metrics-prom-sql's value formulas read, from edgeColumns' columns. */
function edgeAggregates(fn: EdgeFunction): string[] {
  const n = 'toFloat64(_kn - _k1 + 1) AS n';
  switch (fn) {
    case 'rate':
    case 'increase':
    case 'delta':
      return [n, '_svn - _sv1 AS sv', fn === 'delta' ? '0 AS rs' : '_rcn - _rc1 AS rs'];
    case 'irate':
    case 'idelta':
      return [n];
    case 'resets':
    case 'changes':
      return ['toFloat64(_cevn - _cev1) AS fv'];
    case 'count_over_time':
      return [n.replace(' AS n', ' AS fv')];
    case 'last_over_time':
      return ['_vn AS fv'];
    case 'present_over_time':
      return ['toFloat64(1) AS fv'];
  }
}

export interface EdgeRangeInput {
  readonly grid: StepGrid;
  readonly fn: EdgeFunction;
  readonly rangeMs: number;
  /** The value per window, SQL over the aggregates (and `lets`), as metrics-prom-sql defines it. */
  readonly lets: readonly string[];
  readonly value: string;
  /** Samples carry their start time st (a new one is a reset). */
  readonly start: boolean;
}

/**
 * `fn` over samples (sk, d, t, v, stale, and st when `start`), per series and step: rows
 * (sk, i, val). Counter resets (a value below the previous one, or a new start time) add the value
 * before them, as in Prometheus; delta points (d) are counted in the windows (T − range, T].
 */
export function edgeRangeSql(read: string, input: EdgeRangeInput, p: Params): string {
  const { fn } = input;
  const st = input.start ? 'st' : 'toInt64(0)';
  const per: string[] = [];
  if (fn === 'rate' || fn === 'increase' || fn === 'delta') per.push('arrayCumSum(vs) AS _csv');
  if (fn === 'rate' || fn === 'increase') {
    per.push(`arrayCumSum(arrayMap((k, v, pv, s, ps) -> if(k = 1, 0, if(v < pv OR s != ps, pv, 0)),
      _k, vs, ${previous('vs', '0')}, sts, ${previous('sts', '0')})) AS _crc`);
  }
  if (fn === 'resets' || fn === 'changes') {
    const event = fn === 'resets' ? 'v < pv' : 'v != pv AND NOT (isNaN(v) AND isNaN(pv))';
    per.push(`arrayCumSum(arrayMap((k, v, pv) -> toUInt64(k > 1 AND ${event}), _k, vs,
      ${previous('vs', '0')})) AS _cev`);
  }
  const cols = edgeColumns(fn);
  const arrays = `SELECT sk, d, arraySort(x -> x.1, groupArray((t, v, ${st}))) AS _s,
      arrayMap(x -> x.1, _s) AS ts, arrayMap(x -> x.2, _s) AS vs, arrayMap(x -> x.3, _s) AS sts,
      arrayEnumerate(ts) AS _k, ${[...per, ...edgeArrays(input.grid, input.rangeMs, p, 'd')].join(', ')}
    FROM (${read}) WHERE NOT stale GROUP BY sk, d`;
  const names = cols.map((c) => `, ${c.slice(c.lastIndexOf(' AS ') + 4)}`).join('');
  const rows = `SELECT sk, d, i${names} FROM (${arrays})
    ARRAY JOIN _steps AS i${cols.map((c) => `, ${c}`).join('')}`;
  return `SELECT sk, i, ${[...input.lets, `${input.value} AS val`].join(', ')} FROM (
      SELECT *, ${edgeAggregates(fn).join(', ')} FROM (${rows}))`;
}
