import type { DashboardVariable, PanelQuery } from '@sightline/model/api/dashboards';
import type { MetricFilter } from '@sightline/model/api/metrics';
import { VARIABLE_REF } from '@sightline/model/api/dashboard-check';
import { quoteValue } from '../format.ts';

/** The selected values of each variable; empty = any value. */
export type VariableValues = Readonly<Record<string, readonly string[]>>;

/** A share link carries each variable as `var-<name>=<value>`, repeated for several values. */
const PARAM = 'var-';

export function readVariableValues(
  variables: readonly DashboardVariable[],
  params: URLSearchParams,
): VariableValues {
  const out: Record<string, readonly string[]> = {};
  for (const v of variables) {
    const key = PARAM + v.name;
    out[v.name] = params.has(key) ? params.getAll(key).filter((x) => x !== '') : v.current;
  }
  return out;
}

export function writeVariableValues(params: URLSearchParams, values: VariableValues): void {
  for (const [name, vs] of Object.entries(values)) {
    params.delete(PARAM + name);
    if (vs.length === 0) params.append(PARAM + name, '');
    for (const v of vs) params.append(PARAM + name, v);
  }
}

// `field:$name` or a bare `$name` in the search language.
const SEARCH_REF = /((?:[^\s():"]+):)?\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * A search with its variables filled in: `service:$svc` becomes `service:a`, or
 * `service:(a OR b)` for several values, and disappears when any value will do.
 */
export function fillSearch(q: string, values: VariableValues): string {
  return q
    .replace(SEARCH_REF, (whole, field: string | undefined, name: string) => {
      const vs = values[name];
      if (vs === undefined) return whole;
      const prefix = field ?? '';
      if (vs.length === 0) return '';
      if (vs.length === 1) return prefix + quoteValue(vs[0]!);
      return `${prefix}(${vs.map(quoteValue).join(' OR ')})`;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** A plain field: its first value (a single-value field cannot hold several), none when any. */
function fillField(text: string | undefined, values: VariableValues): string | undefined {
  if (text === undefined) return undefined;
  let empty = false;
  const out = text.replace(VARIABLE_REF, (whole, name: string) => {
    const vs = values[name];
    if (vs === undefined) return whole;
    if (vs.length === 0) empty = true;
    return vs[0] ?? '';
  });
  return empty && out === '' ? undefined : out;
}

/** The values a `$name` field stands for, or null when the text is not exactly one variable. */
function fieldValues(text: string | undefined, values: VariableValues): readonly string[] | null {
  const m = text === undefined ? null : /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  return m ? (values[m[1] ?? ''] ?? null) : null;
}

function fillFilter(f: MetricFilter, values: VariableValues): MetricFilter | null {
  const many = fieldValues(f.value, values);
  if (many !== null && (f.op === 'eq' || f.op === 'neq')) {
    if (many.length === 0) return null;
    if (many.length > 1)
      return { key: f.key, op: f.op === 'eq' ? 'in' : 'not_in', values: [...many] };
  }
  const value = fillField(f.value, values);
  const vs = f.values?.flatMap((v) => fieldValues(v, values) ?? [fillField(v, values) ?? '']);
  return { ...f, ...(value !== undefined ? { value } : {}), ...(vs ? { values: vs } : {}) };
}

/** The query a panel runs with the dashboard's current variable values. */
export function applyVariables(q: PanelQuery, values: VariableValues): PanelQuery {
  switch (q.signal) {
    case 'promql':
      // As Grafana does for Prometheus: several values become a regex alternation (use =~).
      return {
        ...q,
        expr: q.expr.replace(VARIABLE_REF, (ref, name: string) => {
          const v = values[name];
          // Nothing selected means any value.
          return v === undefined ? ref : v.length === 0 ? '.*' : v.join('|');
        }),
      };
    case 'logs':
      return { ...q, q: fillSearch(q.q, values) };
    case 'traces': {
      const { service, operation, q: search, ...rest } = q;
      const s = fillField(service, values);
      const o = fillField(operation, values);
      const text = search === undefined ? undefined : fillSearch(search, values);
      return {
        ...rest,
        ...(s ? { service: s } : {}),
        ...(o ? { operation: o } : {}),
        ...(text ? { q: text } : {}),
      };
    }
    case 'metrics': {
      const { service, filters, ...rest } = q;
      const filled = (filters ?? []).flatMap((f) => fillFilter(f, values) ?? []);
      const services = fieldValues(service, values);
      if (services !== null && services.length > 1)
        filled.push({ key: 'service.name', op: 'in', values: [...services] });
      const s = services !== null && services.length > 1 ? undefined : fillField(service, values);
      return {
        ...rest,
        ...(s ? { service: s } : {}),
        ...(filled.length ? { filters: filled } : {}),
      };
    }
  }
}
