import { Type, type Static } from 'typebox';
import { SelfTelemetryParam } from '../self-telemetry.ts';
import { AttributeMap, UnixNanos } from './common.ts';

export const TraceIdParams = Type.Object({
  traceId: Type.String({ pattern: '^[0-9a-fA-F]{32}$', description: '32 hex characters' }),
});
export type TraceIdParams = Static<typeof TraceIdParams>;

export const SpanEvent = Type.Object({
  timeUnixNano: UnixNanos,
  name: Type.String(),
  attributes: AttributeMap,
});

export const SpanLink = Type.Object({
  traceId: Type.String(),
  spanId: Type.String(),
  traceState: Type.String(),
  attributes: AttributeMap,
});

export const Span = Type.Object({
  traceId: Type.String(),
  spanId: Type.String(),
  parentSpanId: Type.String(),
  traceState: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: 'Unspecified, Internal, Server, Client, Producer or Consumer' }),
  serviceName: Type.String(),
  startTimeUnixNano: UnixNanos,
  durationNano: Type.String({ pattern: '^[0-9]+$', description: 'nanoseconds' }),
  statusCode: Type.String({ description: 'Unset, Ok or Error' }),
  statusMessage: Type.String(),
  resourceAttributes: AttributeMap,
  scopeName: Type.String(),
  scopeVersion: Type.String(),
  attributes: AttributeMap,
  events: Type.Array(SpanEvent),
  links: Type.Array(SpanLink),
});
export type Span = Static<typeof Span>;

/** A log record that carries the trace's id, as shown beside the trace. */
export const TraceLog = Type.Object({
  timeUnixNano: UnixNanos,
  severityText: Type.String(),
  severityNumber: Type.Integer({ description: 'OpenTelemetry SeverityNumber, 0 = unspecified' }),
  body: Type.String(),
  serviceName: Type.String(),
  spanId: Type.String({ description: 'empty when the record was not emitted inside a span' }),
  attributes: AttributeMap,
});
export type TraceLog = Static<typeof TraceLog>;

/** Every span of one trace plus the logs that share its trace id. */
export const TraceResponse = Type.Object({
  traceId: Type.String(),
  spans: Type.Array(Span, { description: 'ordered by start time' }),
  spansTruncated: Type.Boolean({
    description:
      'true when the trace has more spans than the server returns (SIGHTLINE_MAX_TRACE_SPANS)',
  }),
  logs: Type.Array(TraceLog, { description: 'ordered by time' }),
  logsTruncated: Type.Boolean({
    description: 'true when more logs share the trace id than returned',
  }),
});
export type TraceResponse = Static<typeof TraceResponse>;

const TimeParam = (name: 'from' | 'to', fallback: string) =>
  Type.String({
    maxLength: 40,
    description: `${name === 'from' ? 'Start (inclusive)' : 'End (exclusive)'}: ISO-8601 (no offset = UTC) or epoch milliseconds; default ${fallback}. At most 31 days from 'from' to 'to'.`,
  });

export const TimeRangeQuery = Type.Object({
  from: Type.Optional(TimeParam('from', "1 hour before 'to'")),
  to: Type.Optional(TimeParam('to', 'now')),
});
export type TimeRangeQuery = Static<typeof TimeRangeQuery>;

export const ServicesQuery = Type.Object({
  ...TimeRangeQuery.properties,
  selfTelemetry: SelfTelemetryParam,
});
export type ServicesQuery = Static<typeof ServicesQuery>;

export const ServiceSignal = Type.Union([
  Type.Literal('traces'),
  Type.Literal('logs'),
  Type.Literal('metrics'),
]);
export type ServiceSignal = Static<typeof ServiceSignal>;

export const ServiceSignals = Type.Object({
  service: Type.String(),
  /** What the service sent in the range, in the order traces, logs, metrics. */
  signals: Type.Array(ServiceSignal),
});
export type ServiceSignals = Static<typeof ServiceSignals>;

export const ServicesResponse = Type.Object({
  services: Type.Array(Type.String(), {
    description: 'services that sent spans, logs or metrics in the range, sorted',
  }),
  signals: Type.Array(ServiceSignals, {
    description: 'the same services in the same order, each with the signals it sent',
  }),
});
export type ServicesResponse = Static<typeof ServicesResponse>;

export const ServiceParams = Type.Object({
  service: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type ServiceParams = Static<typeof ServiceParams>;

export const Operation = Type.Object({
  name: Type.String({ description: 'span name' }),
  kind: Type.String({
    description: 'span kind: Unspecified, Internal, Server, Client, Producer or Consumer',
  }),
  spanCount: Type.Integer({ description: 'spans with this name and kind in the range' }),
});
export type Operation = Static<typeof Operation>;

export const OperationsResponse = Type.Object({
  service: Type.String(),
  operations: Type.Array(Operation, { description: 'sorted by name, then kind' }),
});
export type OperationsResponse = Static<typeof OperationsResponse>;

export const TRACE_SEARCH_MAX_LIMIT = 1000;
export const TRACE_SEARCH_DEFAULT_LIMIT = 20;

export const TraceStatusFilter = Type.Enum(['ok', 'error', 'unset'], {
  description: 'span status code',
});

/**
 * Trace search. Every span filter (service, operation, status, q) must hold on one and the same
 * span, which must start inside the range; the trace it belongs to is then returned whole.
 */
export const TraceSearchQuery = Type.Object({
  service: Type.Optional(Type.String({ maxLength: 1024, description: 'a span of this service' })),
  operation: Type.Optional(
    Type.String({ maxLength: 1024, description: 'a span with this name (exact)' }),
  ),
  q: Type.Optional(
    Type.String({ maxLength: 8192, description: 'search language, evaluated on each span' }),
  ),
  status: Type.Optional(TraceStatusFilter),
  minDuration: Type.Optional(
    Type.String({
      maxLength: 40,
      description:
        'trace duration at least this, e.g. 500ms, 1.5s (ns, us, ms, s, m, h; bare number = ms)',
    }),
  ),
  maxDuration: Type.Optional(
    Type.String({ maxLength: 40, description: 'trace duration at most this, same syntax' }),
  ),
  selfTelemetry: SelfTelemetryParam,
  ...TimeRangeQuery.properties,
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: TRACE_SEARCH_MAX_LIMIT,
      default: TRACE_SEARCH_DEFAULT_LIMIT,
      description: 'traces per page',
    }),
  ),
  cursor: Type.Optional(
    Type.String({ maxLength: 512, description: "the previous page's nextCursor (opaque)" }),
  ),
});
export type TraceSearchQuery = Static<typeof TraceSearchQuery>;

export const TraceSummary = Type.Object({
  traceId: Type.String(),
  rootServiceName: Type.String(),
  rootName: Type.String({ description: 'root span name (the operation)' }),
  rootSpanMissing: Type.Boolean({
    description: 'true when no span lacks a parent; root fields then describe the earliest span',
  }),
  startTimeUnixNano: UnixNanos,
  durationNano: Type.String({
    pattern: '^[0-9]+$',
    description: 'nanoseconds from the first span start to the last span end',
  }),
  spanCount: Type.Integer(),
  services: Type.Array(Type.String(), { description: 'services with spans in the trace, sorted' }),
  errorCount: Type.Integer({ description: 'spans with status Error' }),
});
export type TraceSummary = Static<typeof TraceSummary>;

export const TraceSearchResponse = Type.Object({
  traces: Type.Array(TraceSummary, { description: 'newest first (by trace start), then trace id' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'pass as cursor for the next page; null on the last page',
  }),
});
export type TraceSearchResponse = Static<typeof TraceSearchResponse>;

/** One stretch of one span on the critical path. */
export const CriticalPathSegment = Type.Object({
  spanId: Type.String(),
  serviceName: Type.String(),
  name: Type.String(),
  startTimeUnixNano: UnixNanos,
  endTimeUnixNano: UnixNanos,
  durationNano: Type.String({ pattern: '^[0-9]+$' }),
});
export type CriticalPathSegment = Static<typeof CriticalPathSegment>;

export const CriticalPathResponse = Type.Object({
  traceId: Type.String(),
  rootSpanId: Type.String(),
  rootSpanMissing: Type.Boolean({
    description: 'true when no span lacks a parent; the path then starts at the earliest orphan',
  }),
  segments: Type.Array(CriticalPathSegment, {
    description:
      "in time order; together they cover the root span's duration without gaps or overlaps",
  }),
});
export type CriticalPathResponse = Static<typeof CriticalPathResponse>;
