/** Spans for unit tests of the trace views: times in ms from one fixed start. */
import type { Span } from '@sightline/model/api/traces';

export const T0 = 1_700_000_000_000_000_000n;

export function span(
  id: string,
  parent: string,
  startMs: number,
  durMs: number,
  service = 'svc',
  extra: Partial<Span> = {},
): Span {
  return {
    traceId: 'a'.repeat(32),
    spanId: id,
    parentSpanId: parent,
    traceState: '',
    name: `op-${id}`,
    kind: 'Internal',
    serviceName: service,
    startTimeUnixNano: (T0 + BigInt(Math.round(startMs * 1e6))).toString(),
    durationNano: BigInt(Math.round(durMs * 1e6)).toString(),
    statusCode: 'Unset',
    statusMessage: '',
    resourceAttributes: {},
    scopeName: '',
    scopeVersion: '',
    attributes: {},
    events: [],
    links: [],
    ...extra,
  };
}
