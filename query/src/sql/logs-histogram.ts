import type { ClickHouseClient } from '@clickhouse/client';
import {
  LOG_LEVELS,
  type LogHistogramBucket,
  type LogHistogramResponse,
  type LogLevel,
} from '@sightline/model/api/logs';
import { bucketCount, bucketStartsMs, type TimeRange } from '../time-range.ts';
import { andFilters, rangeFilter, type LogsFilter } from './logs-filter.ts';
import { logsTable, numberLevel, selectRows, TEXT_LEVEL_EXPR } from './logs-row.ts';

export interface LogHistogramRequest {
  readonly client: ClickHouseClient;
  readonly database: string;
  /** The request's search, compiled once (compileSearch). */
  readonly search: LogsFilter;
  readonly range: TimeRange;
  readonly stepSeconds: number;
}

/**
 * Rows per epoch-aligned bucket and severity class. Steps are whole seconds, so a row's bucket
 * follows exactly from its whole seconds (TimestampTime: 4 bytes a row, where Timestamp is 8); the filter is the search's, so the buckets add up to
 * what the search pages through.
 */
export async function logHistogram(req: LogHistogramRequest): Promise<LogHistogramResponse> {
  const filter = andFilters(req.search, rangeFilter(req.range));
  // Grouped by SeverityNumber, classed in JS: cheaper than classing every row in SQL. The text
  // is read and classed only for rows without a number (short-circuit evaluation).
  const counts = await selectRows<{
    bucket: string | number;
    num: number;
    textLevel: LogLevel | '';
    n: string;
  }>(
    req.client,
    `SELECT intDiv(toUnixTimestamp(TimestampTime), {step:UInt32}) * {step:UInt32} AS bucket,
        SeverityNumber AS num, if(SeverityNumber = 0, ${TEXT_LEVEL_EXPR}, '') AS textLevel,
        count() AS n
      FROM ${logsTable(req.database)}
      WHERE ${filter.sql}
      GROUP BY bucket, num, textLevel
      LIMIT {maxRows:UInt32}`,
    {
      ...filter.params,
      step: req.stepSeconds,
      // Every SeverityNumber (UInt8), plus each class of the unnumbered rows.
      maxRows: bucketCount(req.range, req.stepSeconds) * (256 + LOG_LEVELS.length),
    },
  );
  const buckets = bucketStartsMs(req.range, req.stepSeconds).map(emptyBucket);
  const firstMs = buckets[0]?.start ?? 0;
  const stepMs = req.stepSeconds * 1000;
  let total = 0;
  for (const c of counts) {
    const bucket = buckets[(Number(c.bucket) * 1000 - firstMs) / stepMs];
    if (!bucket) throw new Error(`histogram bucket ${c.bucket} outside the range`);
    const n = Number(c.n);
    bucket[c.textLevel === '' ? numberLevel(c.num) : c.textLevel] += n;
    bucket.total += n;
    total += n;
  }
  return {
    from: req.range.fromMs,
    to: req.range.toMs,
    stepSeconds: req.stepSeconds,
    total,
    buckets,
  };
}

const emptyBucket = (start: number): LogHistogramBucket => ({
  start,
  total: 0,
  trace: 0,
  debug: 0,
  info: 0,
  warn: 0,
  error: 0,
  fatal: 0,
  unknown: 0,
});
