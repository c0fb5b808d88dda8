/**
 * Where each leaf field of an OTLP export request comes back from Sightline: from the API when the
 * API returns it, else from the stored row (the exporter-compatible columns other tools read), or
 * why it is not stored at all. A field of a newer opentelemetry-proto release that is in neither
 * list fails the schema test until it is mapped or given a reason.
 */

type Row = Record<string, unknown>;

export interface Readback {
  /** The API's records (log records, spans) in the request's order; none for metrics. */
  readonly api: readonly Row[];
  /** Stored rows per table, in the sample's order. */
  readonly store: Readonly<Record<string, Row[]>>;
}

export type Where =
  | { readonly api: (rows: readonly Row[]) => unknown[] }
  | { readonly store: (s: Readback['store']) => unknown[] }
  | { readonly unstored: string };

const api = (f: (r: Row) => unknown): Where => ({ api: (rows) => rows.map(f) });
const col = (table: string, column: string, map: (v: unknown) => unknown = (v) => v): Where => ({
  store: (s) => (s[table] ?? []).map((r) => map(r[column])),
});

const distinct = (values: unknown[]): unknown[] => [
  ...new Map(values.map((v) => [JSON.stringify(v), v])).values(),
];

/** A resource or scope field is sent once per block and stored on each record: all must agree. */
function once(w: Where): Where {
  if ('api' in w) return { api: (rows) => distinct(w.api(rows)) };
  if ('store' in w) return { store: (s) => distinct(w.store(s)) };
  return w;
}

const NO_COLUMN = 'the OTel Collector ClickHouse schema has no column for it';
const DROPPED = 'dropped counts are not stored (the exporter schema has no column)';
const ENTITY = 'resource entity references are not stored (no column; development status)';
const R = (signal: string) => `resource${signal}`;

/** The resource and scope fields every signal shares, under `resourceX.scopeX`. */
export function common(signal: 'Logs' | 'Spans' | 'Metrics', read: Record<string, Where>) {
  const r = R(signal);
  const s = `${r}.scope${signal}`;
  return {
    [`${r}.resource.droppedAttributesCount`]: { unstored: DROPPED },
    [`${r}.resource.entityRefs.schemaUrl`]: { unstored: ENTITY },
    [`${r}.resource.entityRefs.type`]: { unstored: ENTITY },
    [`${r}.resource.entityRefs.idKeys`]: { unstored: ENTITY },
    [`${r}.resource.entityRefs.descriptionKeys`]: { unstored: ENTITY },
    ...Object.fromEntries(
      Object.entries(read).map(([k, v]) => [
        k.replace(/^R\./, `${r}.`).replace(/^S\./, `${s}.`),
        /^(R\.|S\.scope\.|S\.schemaUrl$)/.test(k) ? once(v) : v,
      ]),
    ),
  } as Record<string, Where>;
}

const LOGS = 'otel_logs';
export const LOGS_READBACK: Record<string, Where> = common('Logs', {
  'R.resource.attributes': api((r) => r.resourceAttributes),
  'R.schemaUrl': col(LOGS, 'ResourceSchemaUrl'),
  'S.scope.name': api((r) => (r.scope as Row).name),
  'S.scope.version': api((r) => (r.scope as Row).version),
  'S.scope.attributes': col(LOGS, 'ScopeAttributes'),
  'S.scope.droppedAttributesCount': { unstored: DROPPED },
  'S.schemaUrl': col(LOGS, 'ScopeSchemaUrl'),
  'S.logRecords.timeUnixNano': api((r) => r.timestamp),
  'S.logRecords.observedTimeUnixNano': {
    unstored: 'read as the record time only when timeUnixNano is 0; no column of its own',
  },
  'S.logRecords.severityNumber': api((r) => r.severityNumber),
  'S.logRecords.severityText': api((r) => r.severityText),
  'S.logRecords.body': api((r) => r.body),
  'S.logRecords.attributes': api((r) => r.attributes),
  'S.logRecords.droppedAttributesCount': { unstored: DROPPED },
  'S.logRecords.flags': col(LOGS, 'TraceFlags'),
  'S.logRecords.traceId': api((r) => r.traceId),
  'S.logRecords.spanId': api((r) => r.spanId),
  'S.logRecords.eventName': api((r) => r.eventName),
});

const KINDS = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS = ['Unset', 'Ok', 'Error'];
const events = (r: Row) => r.events as Row[];
const links = (r: Row) => r.links as Row[];
const many = (f: (r: Row) => unknown[]): Where => ({ api: (rows) => rows.flatMap(f) });

export const TRACES_READBACK: Record<string, Where> = common('Spans', {
  'R.resource.attributes': api((r) => r.resourceAttributes),
  'R.schemaUrl': { unstored: NO_COLUMN },
  'S.scope.name': api((r) => r.scopeName),
  'S.scope.version': api((r) => r.scopeVersion),
  'S.scope.attributes': { unstored: NO_COLUMN },
  'S.scope.droppedAttributesCount': { unstored: DROPPED },
  'S.schemaUrl': { unstored: NO_COLUMN },
  'S.spans.traceId': api((r) => r.traceId),
  'S.spans.spanId': api((r) => r.spanId),
  'S.spans.traceState': api((r) => r.traceState),
  'S.spans.parentSpanId': api((r) => r.parentSpanId),
  'S.spans.flags': { unstored: NO_COLUMN },
  'S.spans.name': api((r) => r.name),
  'S.spans.kind': api((r) => KINDS.indexOf(r.kind as string)),
  'S.spans.startTimeUnixNano': api((r) => r.startTimeUnixNano),
  'S.spans.endTimeUnixNano': api((r) =>
    String(BigInt(r.startTimeUnixNano as string) + BigInt(r.durationNano as string)),
  ),
  'S.spans.attributes': api((r) => r.attributes),
  'S.spans.droppedAttributesCount': { unstored: DROPPED },
  'S.spans.events.timeUnixNano': many((r) => events(r).map((e) => e.timeUnixNano)),
  'S.spans.events.name': many((r) => events(r).map((e) => e.name)),
  'S.spans.events.attributes': many((r) => events(r).map((e) => e.attributes)),
  'S.spans.events.droppedAttributesCount': { unstored: DROPPED },
  'S.spans.droppedEventsCount': { unstored: DROPPED },
  'S.spans.links.traceId': many((r) => links(r).map((l) => l.traceId)),
  'S.spans.links.spanId': many((r) => links(r).map((l) => l.spanId)),
  'S.spans.links.traceState': many((r) => links(r).map((l) => l.traceState)),
  'S.spans.links.attributes': many((r) => links(r).map((l) => l.attributes)),
  'S.spans.links.droppedAttributesCount': { unstored: DROPPED },
  'S.spans.links.flags': { unstored: NO_COLUMN },
  'S.spans.droppedLinksCount': { unstored: DROPPED },
  'S.spans.status.message': api((r) => r.statusMessage),
  'S.spans.status.code': api((r) => STATUS.indexOf(r.statusCode as string)),
});
