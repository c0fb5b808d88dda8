import { SearchFieldError, SearchValueError } from './errors.ts';

export type SearchTarget = 'spans' | 'logs';

/**
 * What a field name means for one table:
 * - `keyword`: a string column matched exactly (values normalised first, e.g. `status:error`
 *   → `'Error'`), wildcards via ILIKE.
 * - `text`: a free-text column matched as a case-insensitive substring (log `Body`).
 * - `duration`: span `Duration`, UInt64 nanoseconds, values with units.
 * - `severity`: log `SeverityText`/`SeverityNumber`, by level name or number.
 * - `attribute`: a key looked up in one or more `Map(LowCardinality(String), String)` columns.
 */
export type ResolvedField =
  | { kind: 'keyword'; name: string; column: string; normalize?: (value: string) => string }
  | { kind: 'text'; name: string; column: string }
  | { kind: 'duration'; name: string }
  | { kind: 'severity'; name: string }
  | { kind: 'attribute'; name: string; maps: readonly string[]; key: string };

type ColumnField =
  | Omit<Extract<ResolvedField, { kind: 'keyword' }>, 'name'>
  | Omit<Extract<ResolvedField, { kind: 'text' }>, 'name'>
  | { kind: 'duration' }
  | { kind: 'severity' };

/** Maps a friendly spelling onto the exact value the OTel exporter stores. */
function enumNormalizer(
  field: string,
  stored: readonly string[],
  prefix: string,
): (value: string) => string {
  const byLower = new Map(stored.map((value) => [value.toLowerCase(), value]));
  return (value) => {
    const lower = value.toLowerCase();
    const found = byLower.get(lower.startsWith(prefix) ? lower.slice(prefix.length) : lower);
    if (found === undefined) {
      throw new SearchValueError(
        field,
        value,
        `'${value}' is not a valid ${field}: expected one of ${stored.map((s) => s.toLowerCase()).join(', ')}`,
      );
    }
    return found;
  };
}

// Ids are written as lowercase hex by the exporter; people paste them from anywhere.
const lowercase = (value: string): string => value.toLowerCase();

const COMMON: Readonly<Record<string, ColumnField>> = {
  service: { kind: 'keyword', column: 'ServiceName' },
  trace_id: { kind: 'keyword', column: 'TraceId', normalize: lowercase },
  span_id: { kind: 'keyword', column: 'SpanId', normalize: lowercase },
};

const SPAN_NAME: ColumnField = { kind: 'keyword', column: 'SpanName' };

const SPANS: Readonly<Record<string, ColumnField>> = {
  ...COMMON,
  name: SPAN_NAME,
  operation: SPAN_NAME,
  span: SPAN_NAME,
  parent_span_id: { kind: 'keyword', column: 'ParentSpanId', normalize: lowercase },
  status: {
    kind: 'keyword',
    column: 'StatusCode',
    normalize: enumNormalizer('status', ['Unset', 'Ok', 'Error'], 'status_code_'),
  },
  kind: {
    kind: 'keyword',
    column: 'SpanKind',
    normalize: enumNormalizer(
      'kind',
      ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'],
      'span_kind_',
    ),
  },
  duration: { kind: 'duration' },
};

const BODY: ColumnField = { kind: 'text', column: 'Body' };
const SEVERITY: ColumnField = { kind: 'severity' };

const LOGS: Readonly<Record<string, ColumnField>> = {
  ...COMMON,
  level: SEVERITY,
  severity: SEVERITY,
  body: BODY,
  message: BODY,
  event_name: { kind: 'keyword', column: 'EventName' },
  // Dotted like the OTel attribute names, so `scope.name:` reads as it is written in OTLP.
  'scope.name': { kind: 'keyword', column: 'ScopeName' },
  'scope.version': { kind: 'keyword', column: 'ScopeVersion' },
};

const FIELDS: Readonly<Record<SearchTarget, Readonly<Record<string, ColumnField>>>> = {
  spans: SPANS,
  logs: LOGS,
};

/** The row's own attributes, then the resource's (where `service.name`, `k8s.*` live). */
const ATTRIBUTE_MAPS: Readonly<Record<SearchTarget, string>> = {
  spans: 'SpanAttributes',
  logs: 'LogAttributes',
};

/** Explicit prefixes; also the way to reach an attribute whose key is a field name. */
export const ATTRIBUTE_PREFIX = 'attr.';
export const RESOURCE_PREFIX = 'resource.';

export function resolveField(name: string, target: SearchTarget): ResolvedField {
  const own = Object.hasOwn(FIELDS[target], name) ? FIELDS[target][name] : undefined;
  if (own) return { ...own, name };

  const other: SearchTarget = target === 'spans' ? 'logs' : 'spans';
  if (Object.hasOwn(FIELDS[other], name)) {
    throw new SearchFieldError(
      name,
      `field '${name}' applies to ${other} only; use '${ATTRIBUTE_PREFIX}${name}' for an attribute of that name`,
    );
  }
  for (const [prefix, maps] of [
    [ATTRIBUTE_PREFIX, [ATTRIBUTE_MAPS[target]]],
    [RESOURCE_PREFIX, ['ResourceAttributes']],
  ] as const) {
    if (name.startsWith(prefix)) {
      const key = name.slice(prefix.length);
      if (key === '') {
        throw new SearchFieldError(name, `expected an attribute name after '${prefix}'`);
      }
      return { kind: 'attribute', name, maps, key };
    }
  }
  return {
    kind: 'attribute',
    name,
    maps: [ATTRIBUTE_MAPS[target], 'ResourceAttributes'],
    key: name,
  };
}
