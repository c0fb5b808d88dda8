import { TRACE_SEARCH_DEFAULT_LIMIT, type TraceSearchQuery } from '@sightline/model/api/traces';
import { SightlineError } from '@sightline/model/errors';
import { SELF_SERVICE_PATTERN } from '@sightline/model/self-telemetry';
import type { CompiledSearch } from '../search/compile.ts';
import { compileSearch } from '../search/compile-search.ts';
import { parseDurationNs } from '../search/values.ts';
import { decodeTraceCursor } from './trace-cursor.ts';
import { resolveTimeRange, type TimeRangeNs } from './trace-time-range.ts';

/** A trace search with every parameter checked and converted; what the SQL builder takes. */
export interface TraceSearch {
  readonly range: TimeRangeNs;
  readonly service?: string | undefined;
  /** Spans of services whose name matches this (RE2) are left out: Sightline's own, by default. */
  readonly hideServices?: string | undefined;
  readonly operation?: string | undefined;
  /** As stored in StatusCode. */
  readonly status?: 'Ok' | 'Error' | 'Unset' | undefined;
  /** The compiled `q`, a predicate over one span; its parameters are prefixed `q`. */
  readonly search: CompiledSearch | null;
  readonly minDurationNs?: bigint | undefined;
  readonly maxDurationNs?: bigint | undefined;
  readonly limit: number;
  /** Only traces strictly after this one in the listing order (start desc, id desc). */
  readonly after?: { readonly start: bigint; readonly traceId: string } | undefined;
}

export class DurationParamError extends SightlineError {
  constructor(message: string) {
    super('SL_ERR_INVALID_DURATION', 400, message);
    this.name = 'DurationParamError';
  }
}

const STATUS = { ok: 'Ok', error: 'Error', unset: 'Unset' } as const;

// Durations compare with an Int64 in SQL (end - start); nothing real comes near 292 years.
const INT64_MAX = (1n << 63n) - 1n;

function duration(name: 'minDuration' | 'maxDuration', text: string): bigint {
  const ns = parseDurationNs(text);
  if (ns === null) {
    throw new DurationParamError(
      `${name}: expected a number with an optional unit (ns, us, ms, s, m, h; bare number = ms), got '${text}'`,
    );
  }
  // Rounded so the bound stays exact on whole nanoseconds: min 1.5ns means >= 2ns, max 1.5ns <= 1ns.
  const bound = name === 'minDuration' ? ns.ceil : ns.floor;
  return bound > INT64_MAX ? INT64_MAX : bound;
}

/** Query-string parameters → a checked search. Throws 400-class SightlineErrors and search errors. */
export function resolveTraceSearch(
  query: TraceSearchQuery,
  nowMs: number = Date.now(),
): TraceSearch {
  const cursor = query.cursor === undefined ? undefined : decodeTraceCursor(query.cursor);
  const range =
    cursor && query.from === undefined && query.to === undefined
      ? cursor.range
      : resolveTimeRange(query.from, query.to, nowMs);
  const minDurationNs =
    query.minDuration === undefined ? undefined : duration('minDuration', query.minDuration);
  const maxDurationNs =
    query.maxDuration === undefined ? undefined : duration('maxDuration', query.maxDuration);
  if (minDurationNs !== undefined && maxDurationNs !== undefined && minDurationNs > maxDurationNs) {
    throw new DurationParamError(
      `minDuration (${query.minDuration}) is greater than maxDuration (${query.maxDuration})`,
    );
  }
  return {
    range,
    service: query.service,
    hideServices: query.selfTelemetry === 'show' ? undefined : SELF_SERVICE_PATTERN,
    operation: query.operation,
    status: query.status === undefined ? undefined : STATUS[query.status],
    // Not trimmed: a syntax error's position must point into the text the user typed.
    search: query.q === undefined ? null : compileSearch(query.q, 'spans'),
    minDurationNs,
    maxDurationNs,
    limit: query.limit ?? TRACE_SEARCH_DEFAULT_LIMIT,
    after: cursor ? { start: cursor.start, traceId: cursor.traceId } : undefined,
  };
}
