import { Type, type Static } from 'typebox';
import { SelfTelemetryParam } from '../self-telemetry.ts';
import { AttributeMap, UnixNanos } from './common.ts';

/**
 * The logs API: search, histogram, facets, context and live tail. Times in requests are
 * ISO-8601 (with a zone) or epoch milliseconds; a range is `[from, to)` and defaults to the last
 * 15 minutes. `q` is the search language (model/src/search/README.md).
 */

export const LOG_SEARCH_LIMIT = { default: 100, max: 5000 } as const;
export const LOG_FACET_LIMIT = { default: 10, max: 100 } as const;
export const LOG_CONTEXT_LINES = { default: 20, max: 200 } as const;
export const LOG_TAIL_BATCH = { default: 500, max: 1000 } as const;

/** Severity classes: SeverityNumber 1–4 trace … 21–24 fatal; `unknown` when none applies. */
export const LogLevel = Type.Union([
  Type.Literal('trace'),
  Type.Literal('debug'),
  Type.Literal('info'),
  Type.Literal('warn'),
  Type.Literal('error'),
  Type.Literal('fatal'),
  Type.Literal('unknown'),
]);
export type LogLevel = Static<typeof LogLevel>;

/** Severity classes: SeverityNumber 1–4 trace … 21–24 fatal; `unknown` when none applies. */
export const LOG_LEVELS = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'unknown',
] as const satisfies readonly LogLevel[];

/** Decimal string of a UInt64. */
const RowId = Type.String({ pattern: '^[0-9]{1,20}$' });

export const LogRecord = Type.Object({
  timestamp: UnixNanos,
  /**
   * With `timestamp`, identifies the row: cityHash64 of every stored column of the row. Rows
   * identical in every column share it (they are exact copies), and each copy is still returned.
   */
  id: RowId,
  severityText: Type.String(),
  severityNumber: Type.Integer(),
  /** From SeverityNumber, or from SeverityText when the number is 0 (as `level:` searches). */
  level: LogLevel,
  service: Type.String(),
  body: Type.String(),
  traceId: Type.String(),
  spanId: Type.String(),
  /** The record's EventName ('' when it is not an event). */
  eventName: Type.String(),
  /** The instrumentation scope that emitted it ('' when not sent). */
  scope: Type.Object({ name: Type.String(), version: Type.String() }),
  attributes: AttributeMap,
  resourceAttributes: AttributeMap,
});
export type LogRecord = Static<typeof LogRecord>;

const Q = Type.String({ description: 'Search language', maxLength: 8192 });
const From = Type.String({ description: 'ISO-8601 with a zone, or epoch ms; inclusive' });
const To = Type.String({ description: 'ISO-8601 with a zone, or epoch ms; exclusive' });

/** The range a response covers, epoch milliseconds, `[from, to)`. */
const Range = { from: Type.Number(), to: Type.Number() };

export const LogSearchQuery = Type.Object({
  q: Type.Optional(Q),
  from: Type.Optional(From),
  to: Type.Optional(To),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: LOG_SEARCH_LIMIT.max,
      default: LOG_SEARCH_LIMIT.default,
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      maxLength: 512,
      description: 'nextCursor of the previous page; the page keeps that page’s time range',
    }),
  ),
  selfTelemetry: SelfTelemetryParam,
});
export type LogSearchQuery = Static<typeof LogSearchQuery>;

export const LogSearchResponse = Type.Object({
  ...Range,
  /** Newest first: Timestamp descending, then id descending. */
  rows: Type.Array(LogRecord),
  /** Null on the last page. */
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type LogSearchResponse = Static<typeof LogSearchResponse>;

export const LogHistogramQuery = Type.Object({
  q: Type.Optional(Q),
  from: Type.Optional(From),
  to: Type.Optional(To),
  step: Type.Optional(
    Type.String({ description: '30s, 5m, 1h, 1d or seconds; default: 60–120 buckets' }),
  ),
  selfTelemetry: SelfTelemetryParam,
});
export type LogHistogramQuery = Static<typeof LogHistogramQuery>;

export const LogHistogramBucket = Type.Object({
  /** Bucket start, epoch ms, aligned to the step (UTC). The first and last may be partial. */
  start: Type.Number(),
  total: Type.Integer(),
  trace: Type.Integer(),
  debug: Type.Integer(),
  info: Type.Integer(),
  warn: Type.Integer(),
  error: Type.Integer(),
  fatal: Type.Integer(),
  unknown: Type.Integer(),
});
export type LogHistogramBucket = Static<typeof LogHistogramBucket>;

export const LogHistogramResponse = Type.Object({
  ...Range,
  stepSeconds: Type.Integer(),
  /** Rows matched in the range: the sum of every bucket. */
  total: Type.Integer(),
  /** Every bucket of the range, in order, zeros included. */
  buckets: Type.Array(LogHistogramBucket),
});
export type LogHistogramResponse = Static<typeof LogHistogramResponse>;

export const LogFacetsQuery = Type.Object({
  field: Type.String({
    minLength: 1,
    maxLength: 256,
    description:
      'service, level, trace_id, span_id, event_name, scope.name, scope.version, body, or an attribute key (log attribute first, then resource); attr.<key> / resource.<key> pick one',
  }),
  q: Type.Optional(Q),
  from: Type.Optional(From),
  to: Type.Optional(To),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: LOG_FACET_LIMIT.max, default: LOG_FACET_LIMIT.default }),
  ),
  selfTelemetry: SelfTelemetryParam,
});
export type LogFacetsQuery = Static<typeof LogFacetsQuery>;

export const LogFacetsResponse = Type.Object({
  ...Range,
  field: Type.String(),
  /** Most frequent first; ties by value. */
  values: Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() })),
  /** Matching rows without the field (no such attribute, empty service, level unknown). */
  missing: Type.Integer(),
  /** Matching rows in the range. */
  total: Type.Integer(),
});
export type LogFacetsResponse = Static<typeof LogFacetsResponse>;

const Lines = Type.Integer({
  minimum: 0,
  maximum: LOG_CONTEXT_LINES.max,
  default: LOG_CONTEXT_LINES.default,
});

export const LogContextQuery = Type.Object({
  timestamp: UnixNanos,
  id: RowId,
  before: Type.Optional(Lines),
  after: Type.Optional(Lines),
  /** `service`: the anchor's service only; `all`: every service. */
  scope: Type.Optional(
    Type.Union([Type.Literal('service'), Type.Literal('all')], { default: 'service' }),
  ),
});
export type LogContextQuery = Static<typeof LogContextQuery>;

export const LogContextRecord = Type.Object({
  ...LogRecord.properties,
  anchor: Type.Boolean(),
});
export type LogContextRecord = Static<typeof LogContextRecord>;

export const LogContextResponse = Type.Object({
  /** Oldest first; neighbours within a day of the anchor. */
  rows: Type.Array(LogContextRecord),
  anchorIndex: Type.Integer(),
});
export type LogContextResponse = Static<typeof LogContextResponse>;

export const LogTailQuery = Type.Object({
  q: Type.Optional(Q),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: LOG_TAIL_BATCH.max, default: LOG_TAIL_BATCH.default }),
  ),
  selfTelemetry: SelfTelemetryParam,
});
export type LogTailQuery = Static<typeof LogTailQuery>;

/**
 * Server-Sent Events of `GET /logs/tail`: `ready` once the stream is watching (rows stored from
 * then on are sent), `logs` with new rows (oldest first, at most `limit` per event), `error`
 * before the server ends the stream. Comment lines are heartbeats.
 */
export const LOG_TAIL_EVENTS = { ready: 'ready', logs: 'logs', error: 'error' } as const;

export const LogTailReady = Type.Object({ pollMs: Type.Integer(), lookbackMs: Type.Integer() });
export type LogTailReady = Static<typeof LogTailReady>;

export const LogTailBatch = Type.Object({ rows: Type.Array(LogRecord) });
export type LogTailBatch = Static<typeof LogTailBatch>;
