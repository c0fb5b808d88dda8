import { Type, type Static } from 'typebox';
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

export const TraceResponse = Type.Object({
  traceId: Type.String(),
  spans: Type.Array(Span),
});
export type TraceResponse = Static<typeof TraceResponse>;
