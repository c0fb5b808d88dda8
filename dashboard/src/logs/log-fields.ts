import type { LogRecord } from '@sightline/model/api/logs';

/** Names the search language reads as built-in fields, not attribute keys. */
const BUILT_IN = new Set([
  'service',
  'name',
  'operation',
  'span',
  'status',
  'kind',
  'duration',
  'level',
  'severity',
  'body',
  'message',
  'trace_id',
  'span_id',
  'parent_span_id',
  'event_name',
  'scope.name',
  'scope.version',
]);

export interface LogField {
  /** As typed in the query bar and sent to the facets API. */
  readonly field: string;
  /** Where the key was seen; `both` when some rows have it as a log and some as a resource attribute. */
  readonly source: 'log' | 'resource' | 'both';
  /** Rows of the sample that carry it. */
  readonly rows: number;
}

/** How the search language names an attribute key: bare when that is unambiguous. */
export function attributeField(key: string, prefix: 'attr' | 'resource', bare: boolean): string {
  const prefixed =
    !bare || BUILT_IN.has(key) || key.startsWith('attr.') || key.startsWith('resource.');
  return prefixed ? `${prefix}.${key}` : key;
}

/**
 * The attribute keys present in `rows`, commonest first, each once: a key found among log
 * attributes in some rows and resource attributes in others is one field, written bare (the search
 * language then looks in both, log attribute first), as the facets API counts it.
 */
export function fieldsOf(rows: readonly LogRecord[]): LogField[] {
  const seen = new Map<string, { log: boolean; resource: boolean; rows: number }>();
  for (const r of rows) {
    const keys = new Set([...Object.keys(r.attributes), ...Object.keys(r.resourceAttributes)]);
    for (const k of keys) {
      // service.name is the `service` facet already.
      if (k === 'service.name' && !(k in r.attributes)) continue;
      const e = seen.get(k) ?? { log: false, resource: false, rows: 0 };
      e.log ||= k in r.attributes;
      e.resource ||= k in r.resourceAttributes;
      e.rows += 1;
      seen.set(k, e);
    }
  }
  const out: LogField[] = [];
  for (const [k, e] of seen) {
    const source = e.log && e.resource ? 'both' : e.log ? 'log' : 'resource';
    out.push({ field: attributeField(k, e.log ? 'attr' : 'resource', true), source, rows: e.rows });
  }
  return out.sort((a, b) => b.rows - a.rows || a.field.localeCompare(b.field));
}

/** The value `field` (as `fieldsOf` or the query bar names it) has in a record, or undefined. */
export function fieldValue(r: LogRecord, field: string): string | undefined {
  switch (field) {
    case 'service':
      return r.service;
    case 'level':
    case 'severity':
      return r.level;
    case 'trace_id':
      return r.traceId || undefined;
    case 'span_id':
      return r.spanId || undefined;
    case 'event_name':
      return r.eventName || undefined;
    case 'scope.name':
      return r.scope.name || undefined;
    case 'scope.version':
      return r.scope.version || undefined;
  }
  if (field.startsWith('attr.')) return r.attributes[field.slice(5)];
  if (field.startsWith('resource.')) return r.resourceAttributes[field.slice(9)];
  return r.attributes[field] ?? r.resourceAttributes[field];
}

/** Columns as kept in the URL (`cols=level,service,http.route`); the default when absent. */
export const DEFAULT_COLUMNS = ['level', 'service'] as const;

export function readColumns(params: URLSearchParams): string[] {
  const raw = params.get('cols');
  if (raw === null) return [...DEFAULT_COLUMNS];
  return [...new Set(raw.split(',').filter((c) => c !== ''))];
}

export const writeColumns = (cols: readonly string[]): string | null =>
  cols.length === DEFAULT_COLUMNS.length && cols.every((c, i) => c === DEFAULT_COLUMNS[i])
    ? null
    : cols.join(',');
