/**
 * Where each leaf field of an OTLP export request comes back from Sightline: from the API when the
 * API returns it, else from the stored row (the exporter-compatible columns other tools read), or
 * why it is not stored at all. A field of a newer opentelemetry-proto release that is in neither
 * list fails the schema test until it is mapped or given a reason.
 */

export type Row = Record<string, unknown>;

/** One record of a request (log record, span, metric data point): its blocks and what was sent. */
export interface RecordAt {
  /** Index of its resource block, scope block and metric in the request (-1: no metric). */
  readonly resource: number;
  readonly scope: number;
  readonly metric: number;
  readonly sent: Row;
}

export interface Readback {
  /** The API's records (log records, spans) in the request's order; none for metrics. */
  readonly api: readonly Row[];
  /** Stored rows per table, in the request's order. */
  readonly store: Readonly<Record<string, Row[]>>;
  /** Every record of the request, in its order. */
  readonly at: readonly RecordAt[];
}

export type Where =
  | { readonly api: (rows: readonly Row[], back: Readback) => unknown[] }
  | { readonly store: (s: Readback['store'], back: Readback) => unknown[] }
  | { readonly unstored: string };

const api = (f: (r: Row) => unknown): Where => ({ api: (rows) => rows.map(f) });
const col = (table: string, column: string, map: (v: unknown) => unknown = (v) => v): Where => ({
  store: (s) => (s[table] ?? []).map((r) => map(r[column])),
});

/** The values at the first of each run of equal block numbers: one value per block. */
export const firstPerBlock = (values: unknown[], blocks: readonly number[]): unknown[] =>
  values.filter((_, i) => i === 0 || blocks[i] !== blocks[i - 1]);

/**
 * A resource or scope field is sent once per block and stored on each record: `w` gives one value
 * per record in the request's order, and the block's first record answers for the block.
 */
function once(w: Where, level: 'resource' | 'scope'): Where {
  const blocks = (back: Readback) => back.at.map((r) => r[level]);
  if ('api' in w) return { api: (rows, back) => firstPerBlock(w.api(rows, back), blocks(back)) };
  if ('store' in w) {
    return { store: (s, back) => firstPerBlock(w.store(s, back), blocks(back)) };
  }
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
        k.startsWith('R.')
          ? once(v, 'resource')
          : /^S\.(scope\.|schemaUrl$)/.test(k)
            ? once(v, 'scope')
            : v,
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
