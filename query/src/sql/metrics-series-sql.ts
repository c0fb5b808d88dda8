import { keyExpr, msParam, Params } from './metrics-keys.ts';
import type { StepGrid } from './metrics-grid.ts';
import {
  evalTimeMs,
  fanOut,
  selectionWhere,
  SERIES_KEY,
  type PromSql,
  type SeriesSelection,
} from './metrics-prom-sql.ts';
import { ident } from '@sightline/store/schema/ddl-context';

export interface SeriesSqlInput extends SeriesSelection {
  readonly grid: StepGrid;
  /** The window each step's value covers: (T − rangeMs, T]. */
  readonly rangeMs: number;
  /** Row cap: (series limit + 1) × points, so that one series too many shows. */
  readonly maxRows: number;
}

/** A counter's read starts this far before the first window, to find each series' point preceding it. */
export const counterLookbackMs = (stepMs: number): number => Math.max(stepMs, 300_000);

export interface CounterColumns {
  /** The counter whose drop is a reset: a histogram's Count. */
  readonly primary: string;
  /** Also difference the exponential bucket counts (see exponentialBuckets). */
  readonly exponential?: boolean;
  /** 'AggregationTemporality', or '2' where points are always cumulative. */
  readonly temporality: string;
}

/**
 * Exponential histograms (their count and buckets): the increase in each step's window
 * (T − range, T], per group. Delta points are increases already. Cumulative points are differenced
 * per series (window over the series ordered by time): point − previous point, or the point itself
 * after a reset (a new StartTimeUnix, a count below the previous one), or when the series started
 * inside the read window. A series' first point otherwise only sets the baseline. Each increase
 * counts in the windows holding its point's time, as a delta point's would. Unlike rate() there
 * is no extrapolation: it would scale every bucket alike, which leaves a quantile as it is, and
 * points at different scales add up once rescaled.
 */
export function counterSql(input: SeriesSqlInput, cols: CounterColumns): PromSql {
  const p = new Params();
  const readFromMs =
    evalTimeMs(input.grid, 0) - input.rangeMs - counterLookbackMs(input.grid.stepMs);
  const groups = input.groupBy.map((k, i) => `${keyExpr(k, p)} AS g${i}, `).join('');
  const gcols = input.groupBy.map((_, i) => `g${i}, `).join('');
  const where = selectionWhere(input, readFromMs, evalTimeMs(input.grid, input.grid.points - 1), p);
  const win = 'OVER w';
  const inner: string[] = [
    `TimeUnix AS t`,
    `StartTimeUnix AS st`,
    `${cols.temporality} = 1 AS isDelta`,
    `lagInFrame(toNullable(TimeUnix)) ${win} AS pt`,
    `lagInFrame(StartTimeUnix) ${win} AS pst`,
    `toFloat64(${cols.primary}) AS v0`,
    `lagInFrame(toFloat64(${cols.primary})) ${win} AS p0`,
  ];
  const reset = 'st != pst OR v0 < p0';
  const outer: string[] = ['sum(multiIf(mode = 1, v0, mode = 2, v0 - p0, 0)) AS c0'];
  if (cols.exponential) exponentialBuckets(inner, outer, win);
  const fan = fanOut('toUnixTimestamp64Milli(t)', input.rangeMs, input.grid, p, '1');
  const sql = `SELECT ${gcols}i, ${outer.join(', ')}
    FROM (
      SELECT *, multiIf(isDelta, 1, pt IS NULL, if(st >= ${msParam(readFromMs, p)}, 1, 0),
        ${reset}, 1, 2) AS mode, ${fan} AS i
      FROM (
        SELECT ${groups}${inner.join(', ')}
        FROM ${ident(input.database)}.${input.table}
        WHERE ${where}
        WINDOW w AS (PARTITION BY ${SERIES_KEY}, ${cols.temporality}
          ORDER BY TimeUnix ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
      )
    )
    GROUP BY ${gcols}i
    ORDER BY ${gcols}i
    LIMIT ${p.add(input.maxRows, 'UInt32')}`;
  return { sql, params: p.values };
}

/** Bucket indexes of a point rescaled to `target`: index i at scale s is index ⌊i / 2^(s−t)⌋. */
const rescaled = (offset: string, counts: string, scale: string) =>
  `arrayMap(i -> toInt64(floor((${offset} + i - 1) / exp2(${scale} - target))), arrayEnumerate(${counts}))`;
const signed = (counts: string, sign: '' | '-') => `arrayMap(x -> ${sign}toInt64(x), ${counts})`;
const NO_INTS = `CAST([], 'Array(Int64)')`;

/**
 * Exponential histograms: every point's buckets are rescaled to the coarsest scale in the read
 * window (buckets merge exactly when downscaled, as the OTel SDK itself does), then summed per
 * bucket index with sumMap. A cumulative point's increase is itself minus its predecessor, so the
 * predecessor's buckets enter negated; the two layouts need not match.
 */
function exponentialBuckets(inner: string[], outer: string[], win: string): void {
  inner.push(
    'min(Scale) OVER () AS target',
    'Scale AS sc',
    `lagInFrame(Scale) ${win} AS psc`,
    'ZeroCount AS zc',
    `lagInFrame(ZeroCount) ${win} AS pzc`,
  );
  for (const side of ['Positive', 'Negative']) {
    const k = side[0]!.toLowerCase();
    inner.push(
      `${side}Offset AS ${k}o`,
      `${side}BucketCounts AS ${k}c`,
      `lagInFrame(${side}Offset) ${win} AS p${k}o`,
      `lagInFrame(${side}BucketCounts) ${win} AS p${k}c`,
    );
    outer.push(`sumMap(
        arrayConcat(if(mode = 0, ${NO_INTS}, ${rescaled(`${k}o`, `${k}c`, 'sc')}),
          if(mode = 2, ${rescaled(`p${k}o`, `p${k}c`, 'psc')}, ${NO_INTS})),
        arrayConcat(if(mode = 0, ${NO_INTS}, ${signed(`${k}c`, '')}),
          if(mode = 2, ${signed(`p${k}c`, '-')}, ${NO_INTS}))) AS ${k}map`);
  }
  outer.push(
    'sum(multiIf(mode = 1, toInt64(zc), mode = 2, toInt64(zc) - toInt64(pzc), 0)) AS zero',
    'any(target) AS scale',
  );
}
