/** Span rows for the store's and the query's integration tests: only what a test cares about set. */
import type { SpanRow } from '@sightline/model/rows';

export const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

export interface SpanSpec {
  trace: string;
  parent?: string;
  service: string;
  name: string;
  /** Nanoseconds after `base`. */
  at: bigint;
  dur: bigint;
  status?: string;
  attributes?: Record<string, string>;
}

/** Makes spans with fresh span ids (1, 2, 3, … in hex) starting at `base` (ns since the epoch). */
export function spanMaker(base: bigint): (s: SpanSpec) => SpanRow & { SpanId: string } {
  let seq = 0;
  return (s) => ({
    Timestamp: (base + s.at).toString(),
    TraceId: s.trace,
    SpanId: hex(++seq, 16),
    ParentSpanId: s.parent ?? '',
    TraceState: '',
    SpanName: s.name,
    SpanKind: 'Internal',
    ServiceName: s.service,
    ResourceAttributes: {},
    ScopeName: '',
    ScopeVersion: '',
    SpanAttributes: s.attributes ?? {},
    Duration: s.dur.toString(),
    StatusCode: s.status ?? 'Unset',
    StatusMessage: '',
    'Events.Timestamp': [],
    'Events.Name': [],
    'Events.Attributes': [],
    'Links.TraceId': [],
    'Links.SpanId': [],
    'Links.TraceState': [],
    'Links.Attributes': [],
  });
}
