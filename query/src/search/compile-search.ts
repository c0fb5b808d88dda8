import { SightlineError } from '@sightline/model/errors';
import { parseSearch } from '@sightline/model/search/parse';
import { andFilters, rangeFilter } from '../sql/logs-filter.ts';
import { msToNanos, type TimeRange } from '../time-range.ts';
import { compileAst, type CompiledSearch } from './compile.ts';

/** What a search runs over: log records (otel_logs) or spans (otel_traces). */
export type SearchSignal = 'logs' | 'spans';

/** Search-language errors carry a stable code and status 400, but are not SightlineErrors. */
function isClientError(err: unknown): err is Error & { code: string; statusCode: number } {
  if (!(err instanceof Error)) return false;
  const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
  return typeof code === 'string' && code.startsWith('SL_ERR_') && statusCode === 400;
}

/**
 * Runs `fn`, re-throwing a search-language error as a SightlineError whose message starts with
 * the parameter it came from, so a client sees `q: at position 8: …` with the original code.
 */
export function withParam<T>(param: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isClientError(err)) throw new SightlineError(err.code, 400, `${param}: ${err.message}`);
    throw err;
  }
}

/** `[from, to)` over the signal's table, on the columns its sort and partition keys use. */
function rangeSql(signal: SearchSignal, range: TimeRange): CompiledSearch {
  if (signal === 'logs') return rangeFilter(range);
  return {
    sql: `Timestamp >= fromUnixTimestamp64Nano({rangeFromNs:Int64})
      AND Timestamp < fromUnixTimestamp64Nano({rangeToNs:Int64})`,
    params: {
      rangeFromNs: msToNanos(range.fromMs).toString(),
      rangeToNs: msToNanos(range.toMs).toString(),
    },
  };
}

/**
 * The one way a search reaches SQL: `q` (the search language; empty or absent matches
 * everything) parsed and compiled once for `signal`, ANDed with `timeRange` when given. Every
 * user value is a `{q…}` parameter; a bad `q` is a 400 whose message starts with `param`.
 */
export function compileSearch(
  q: string | undefined,
  signal: SearchSignal,
  timeRange?: TimeRange,
  param = 'q',
): CompiledSearch {
  const search = withParam(param, () => compileAst(parseSearch(q ?? ''), signal, 'q'));
  return timeRange === undefined ? search : andFilters(search, rangeSql(signal, timeRange));
}
