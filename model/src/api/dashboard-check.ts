import { GRID_COLUMNS, type DashboardInput, type Panel, type PanelQuery } from './dashboards.ts';

/** `$name` in a query string: the value(s) of the dashboard variable `name`. */
export const VARIABLE_REF = /\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Every string of a panel query, with the path of the field it sits in. */
export function queryStrings(q: PanelQuery): [string, string][] {
  const out: [string, string][] = [];
  const add = (path: string, v: string | undefined) => {
    if (v !== undefined) out.push([path, v]);
  };
  switch (q.signal) {
    case 'metrics':
      add('metric', q.metric);
      add('service', q.service);
      (q.filters ?? []).forEach((f, i) => {
        add(`filters[${i}].value`, f.value);
        (f.values ?? []).forEach((v, j) => add(`filters[${i}].values[${j}]`, v));
      });
      break;
    case 'logs':
      add('q', q.q);
      break;
    case 'traces':
      add('service', q.service);
      add('operation', q.operation);
      add('q', q.q);
      break;
    case 'promql':
      add('expr', q.expr);
  }
  return out;
}

/** Which signals each panel type can show. */
const SIGNALS: Record<Panel['type'], readonly PanelQuery['signal'][]> = {
  timeseries: ['metrics', 'logs', 'traces', 'promql'],
  stat: ['metrics', 'logs', 'traces', 'promql'],
  bar: ['metrics', 'logs', 'traces', 'promql'],
  logs: ['logs'],
  traces: ['traces'],
};

/**
 * What the schema cannot say about a dashboard: the first problem found, as
 * `<field path>: <what is wrong>`, or null when there is none. Used by the API (a 400) and by
 * the import in the browser, so both refuse the same documents.
 */
export function dashboardProblem(d: DashboardInput): string | null {
  const names = new Set<string>();
  for (const [i, v] of d.variables.entries()) {
    if (names.has(v.name)) return `variables[${i}].name: '${v.name}' is defined twice`;
    names.add(v.name);
    if (!v.multi && v.current.length > 1)
      return `variables[${i}].current: a single-value variable has ${v.current.length} values`;
  }
  const ids = new Map<string, number>();
  for (const [i, p] of d.panels.entries()) {
    const at = `panels[${i}]`;
    const first = ids.get(p.id);
    if (first !== undefined) return `${at}.id: '${p.id}' is already the id of panels[${first}]`;
    ids.set(p.id, i);
    if (!SIGNALS[p.type].includes(p.query.signal))
      return `${at}.query.signal: a ${p.type} panel cannot show ${p.query.signal}`;
    if (p.grid.x + p.grid.w > GRID_COLUMNS)
      return `${at}.grid: x + w is ${p.grid.x + p.grid.w}, past the grid's ${GRID_COLUMNS} columns`;
    for (const [field, text] of queryStrings(p.query)) {
      for (const m of text.matchAll(VARIABLE_REF)) {
        if (!names.has(m[1] ?? ''))
          return `${at}.query.${field}: ${m[0]} is not a variable of this dashboard`;
      }
    }
  }
  return null;
}
