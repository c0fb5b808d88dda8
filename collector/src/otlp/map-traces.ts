import type { SpanRow } from '@sightline/model/rows';
import { ItemError, Rejections } from './item-error.ts';
import { resourceOf, scopeOf } from './resource.ts';
import {
  attributes,
  enumValue,
  hexId,
  list,
  optObj,
  str,
  truncate,
  checkTime,
  nanos,
  type MapLimits,
} from './values.ts';

// Stored as the OpenTelemetry Collector's ClickHouse exporter stores them.
const KIND_NAMES = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'] as const;
const KIND_ENUM = KIND_NAMES.map((k) => `SPAN_KIND_${k.toUpperCase()}`);
const STATUS_NAMES = ['Unset', 'Ok', 'Error'] as const;
const STATUS_ENUM = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

export interface Mapped<R> {
  rows: R[];
  rejected: Rejections;
}

/**
 * ExportTraceServiceRequest (decoded protobuf or OTLP/JSON) → span rows. A span that cannot be
 * stored is rejected alone; a request whose shape is wrong above the span level throws.
 */
export function mapTraces(req: unknown, limits: MapLimits): Mapped<SpanRow> {
  const rows: SpanRow[] = [];
  const rejected = new Rejections();
  const rss = list(optObj(req, 'request').resourceSpans, 'resourceSpans');
  for (let r = 0; r < rss.length; r++) {
    const rPath = `resourceSpans[${r}]`;
    const rs = optObj(rss[r], rPath);
    const res = resourceOf(rs, limits, rPath);
    const sss = list(rs.scopeSpans, rPath, 'scopeSpans');
    for (let s = 0; s < sss.length; s++) {
      const sPath = `${rPath}.scopeSpans[${s}]`;
      const ss = optObj(sss[s], sPath);
      const scope = scopeOf(ss, limits, sPath);
      const spans = list(ss.spans, sPath, 'spans');
      for (let i = 0; i < spans.length; i++) {
        const path = `${sPath}.spans[${i}]`;
        try {
          const span = optObj(spans[i], path);
          const start = nanos(span.startTimeUnixNano, path, 'startTimeUnixNano');
          const end = nanos(span.endTimeUnixNano, path, 'endTimeUnixNano');
          checkTime(start, limits, path, 'startTimeUnixNano');
          checkTime(end, limits, path, 'endTimeUnixNano');
          const duration = BigInt(end) - BigInt(start);
          if (duration < 0n)
            throw new ItemError(path, 'endTimeUnixNano is before startTimeUnixNano');
          const traceId = hexId(span.traceId, 16, path, 'traceId');
          const spanId = hexId(span.spanId, 8, path, 'spanId');
          if (traceId === '' || /^0+$/.test(traceId))
            throw new ItemError(`${path}.traceId`, 'must be a non-zero id');
          if (spanId === '' || /^0+$/.test(spanId))
            throw new ItemError(`${path}.spanId`, 'must be a non-zero id');
          const status = optObj(span.status, path, 'status');
          const events = list(span.events, path, 'events').map((e, j) =>
            optObj(e, `${path}.events[${j}]`),
          );
          const links = list(span.links, path, 'links').map((l, j) =>
            optObj(l, `${path}.links[${j}]`),
          );
          rows.push({
            Timestamp: start,
            TraceId: traceId,
            SpanId: spanId,
            ParentSpanId: hexId(span.parentSpanId, 8, path, 'parentSpanId'),
            TraceState: str(span.traceState, path, 'traceState'),
            SpanName: truncate(str(span.name, path, 'name'), limits),
            SpanKind: KIND_NAMES[enumValue(span.kind, KIND_ENUM, path, 'kind')] ?? 'Unspecified',
            ServiceName: res.serviceName,
            ResourceAttributes: res.resourceAttributes,
            ScopeName: scope.scopeName,
            ScopeVersion: scope.scopeVersion,
            SpanAttributes: attributes(span.attributes, limits, path, 'attributes'),
            Duration: duration.toString(),
            StatusCode:
              STATUS_NAMES[enumValue(status.code, STATUS_ENUM, `${path}.status`, 'code')] ??
              'Unset',
            StatusMessage: truncate(str(status.message, `${path}.status`, 'message'), limits),
            'Events.Timestamp': events.map((e, j) =>
              nanos(e.timeUnixNano, `${path}.events[${j}]`, 'timeUnixNano'),
            ),
            'Events.Name': events.map((e, j) => str(e.name, `${path}.events[${j}]`, 'name')),
            'Events.Attributes': events.map((e, j) =>
              attributes(e.attributes, limits, `${path}.events[${j}]`, 'attributes'),
            ),
            'Links.TraceId': links.map((l, j) =>
              hexId(l.traceId, 16, `${path}.links[${j}]`, 'traceId'),
            ),
            'Links.SpanId': links.map((l, j) =>
              hexId(l.spanId, 8, `${path}.links[${j}]`, 'spanId'),
            ),
            'Links.TraceState': links.map((l, j) =>
              str(l.traceState, `${path}.links[${j}]`, 'traceState'),
            ),
            'Links.Attributes': links.map((l, j) =>
              attributes(l.attributes, limits, `${path}.links[${j}]`, 'attributes'),
            ),
          });
        } catch (err) {
          if (!(err instanceof ItemError)) throw err;
          rejected.add(err);
        }
      }
    }
  }
  return { rows, rejected };
}
