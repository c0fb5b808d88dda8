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
  readonly source: 'log' | 'resource';
  /** Rows of the sample that carry it. */
  readonly rows: number;
}

/**
 * The attribute keys present in `rows`, commonest first. A key is written bare when the search
 * language would read it unambiguously, else with its `attr.` / `resource.` prefix.
 */
export function fieldsOf(rows: readonly LogRecord[]): LogField[] {
  const log = new Map<string, number>();
  const res = new Map<string, number>();
  for (const r of rows) {
    for (const k of Object.keys(r.attributes)) log.set(k, (log.get(k) ?? 0) + 1);
    for (const k of Object.keys(r.resourceAttributes)) res.set(k, (res.get(k) ?? 0) + 1);
  }
  const out: LogField[] = [];
  const name = (k: string, prefix: string, other: Map<string, number>) =>
    BUILT_IN.has(k) || other.has(k) || k.startsWith('attr.') || k.startsWith('resource.')
      ? `${prefix}.${k}`
      : k;
  for (const [k, n] of log) out.push({ field: name(k, 'attr', res), source: 'log', rows: n });
  for (const [k, n] of res) {
    // service.name is the `service` facet already.
    if (k === 'service.name') continue;
    out.push({ field: name(k, 'resource', log), source: 'resource', rows: n });
  }
  return out.sort((a, b) => b.rows - a.rows || a.field.localeCompare(b.field));
}
