import type { MetricFilter } from '@sightline/model/api/metrics';
import { SightlineError } from '@sightline/model/errors';

export type ParamValue = string | number | readonly string[];

/** Collects `query_params`: every user value reaches ClickHouse as `{name:Type}`, never as SQL text. */
export class Params {
  readonly values: Record<string, ParamValue> = {};
  private n = 0;

  constructor(private readonly prefix = 'm') {}

  add(value: ParamValue, type: string): string {
    const name = `${this.prefix}${this.n++}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}

/** Keys every metric answers to: the service and instance, by OTel and Prometheus names alike. */
const SERVICE_KEYS: ReadonlySet<string> = new Set(['service.name', 'service', 'job']);
const INSTANCE_KEYS: ReadonlySet<string> = new Set(['service.instance.id', 'instance']);
export const ALIAS_KEYS: readonly string[] = [...SERVICE_KEYS, ...INSTANCE_KEYS];

const isResourceKey = (key: string): boolean =>
  key.startsWith('resource.') && key.length > 'resource.'.length;

/**
 * The column a filter or groupBy key reads: `service.name` (or `service`, or Prometheus' `job`) →
 * ServiceName, `service.instance.id` (or `instance`) → that resource attribute, as the OTel
 * Collector's Prometheus receiver maps them; `resource.<k>` → a resource attribute, anything else
 * → a data point attribute. A missing key reads as ''.
 */
export function keyExpr(key: string, p: Params): string {
  if (SERVICE_KEYS.has(key)) return 'ServiceName';
  if (INSTANCE_KEYS.has(key)) return `ResourceAttributes['service.instance.id']`;
  if (isResourceKey(key)) {
    return `ResourceAttributes[${p.add(key.slice('resource.'.length), 'String')}]`;
  }
  return `Attributes[${p.add(key, 'String')}]`;
}

const filterError = (field: string, message: string): SightlineError =>
  new SightlineError('SL_ERR_METRIC_FILTER', 400, `${field}: ${message}`);

/** One predicate per filter, ANDed; `field` names the filters array in error messages. */
export function filtersSql(
  filters: readonly MetricFilter[],
  service: string | undefined,
  p: Params,
  field: string,
): string {
  const parts: string[] = [];
  if (service !== undefined) parts.push(`ServiceName = ${p.add(service, 'String')}`);
  filters.forEach((f, i) => {
    const at = `${field}[${i}]`;
    const col = keyExpr(f.key, p);
    if (f.op === 'eq' || f.op === 'neq') {
      if (f.value === undefined) throw filterError(`${at}.value`, `required for op '${f.op}'`);
      parts.push(`${col} ${f.op === 'eq' ? '=' : '!='} ${p.add(f.value, 'String')}`);
    } else {
      if (f.values === undefined || f.values.length === 0) {
        throw filterError(`${at}.values`, `one or more values required for op '${f.op}'`);
      }
      parts.push(`${f.op === 'in' ? '' : 'NOT '}has(${p.add(f.values, 'Array(String)')}, ${col})`);
    }
  });
  return parts.length === 0 ? '1' : parts.join(' AND ');
}

/** Epoch milliseconds as a DateTime64 comparison operand. */
export const msParam = (ms: number, p: Params): string =>
  `fromUnixTimestamp64Milli(${p.add(ms, 'Int64')})`;

/** The keys a query names that are neither aliases nor present in the metric (`known`). */
export function unknownKeys(keys: readonly string[], known: ReadonlySet<string>): string[] {
  return [...new Set(keys)].filter((k) => !ALIAS_KEYS.includes(k) && !known.has(k));
}

/** 400 for keys the metric does not have: an empty answer would look like "no data". */
export function unknownKeyError(
  field: string,
  metric: string,
  unknown: readonly string[],
  known: ReadonlySet<string>,
): SightlineError {
  const list = [...ALIAS_KEYS, ...[...known].sort()].join(', ');
  return new SightlineError(
    'SL_ERR_METRIC_KEY',
    400,
    `${field}: ${metric} has no key ${unknown.map((k) => `'${k}'`).join(', ')}; known keys: ${list}`,
  );
}
