import { SELF_SERVICE_PATTERN } from '@sightline/model/self-telemetry';
import type { SearchParamValue } from '../search/compile.ts';
import { msToNanos, type TimeRange } from '../time-range.ts';

/** A WHERE expression over otel_logs and its parameters. */
export interface LogsFilter {
  readonly sql: string;
  readonly params: Readonly<Record<string, SearchParamValue>>;
}

/**
 * `[from, to)` on TimestampTime (whole seconds), which the partition key and primary key index are
 * built on, so only the range's parts are read. TimestampTime is Timestamp cut to the second, so
 * when both ends are whole seconds that is exact and Timestamp (8 bytes a row) is not read at all;
 * otherwise Timestamp bounds are added for the fraction.
 */
export function rangeFilter(range: TimeRange): LogsFilter {
  const seconds = {
    sql: `TimestampTime >= toDateTime({rangeFromS:UInt32})
      AND TimestampTime <= toDateTime({rangeToS:UInt32})`,
    params: {
      rangeFromS: Math.floor(range.fromMs / 1000),
      rangeToS: Math.floor((range.toMs - 1) / 1000),
    },
  };
  if (range.fromMs % 1000 === 0 && range.toMs % 1000 === 0) return seconds;
  return {
    sql: `Timestamp >= fromUnixTimestamp64Nano({rangeFromNs:Int64})
      AND Timestamp < fromUnixTimestamp64Nano({rangeToNs:Int64})
      AND ${seconds.sql}`,
    params: {
      rangeFromNs: msToNanos(range.fromMs).toString(),
      rangeToNs: msToNanos(range.toMs).toString(),
      ...seconds.params,
    },
  };
}

export function andFilters(...filters: readonly LogsFilter[]): LogsFilter {
  return {
    sql: filters.map((f) => `(${f.sql})`).join(' AND '),
    params: Object.assign({}, ...filters.map((f) => f.params)) as Record<string, SearchParamValue>,
  };
}

/** Leaves out Sightline's own logs (sightline-* services) unless `show`, as trace search does. */
export function selfTelemetryFilter(selfTelemetry: 'hide' | 'show' | undefined): LogsFilter {
  if (selfTelemetry === 'show') return { sql: '1', params: {} };
  return {
    sql: 'NOT match(ServiceName, {hideServices:String})',
    params: { hideServices: SELF_SERVICE_PATTERN },
  };
}
