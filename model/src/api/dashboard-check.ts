import {
  GRID_COLUMNS,
  isRow,
  type DashboardInput,
  type Panel,
  type PanelQuery,
} from './dashboards.ts';

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

/** Lists show the rows of one search. */
const ONE_QUERY: ReadonlySet<Panel['type']> = new Set(['logs', 'traces']);

function panelProblem(p: Panel, at: string, names: ReadonlySet<string>): string | null {
  if (ONE_QUERY.has(p.type) && p.queries.length > 1)
    return `${at}.queries: a ${p.type} panel shows one search, not ${p.queries.length}`;
  for (const [j, q] of p.queries.entries()) {
    const qat = `${at}.queries[${j}]`;
    if (!SIGNALS[p.type].includes(q.signal))
      return `${qat}.signal: a ${p.type} panel cannot show ${q.signal}`;
    for (const [field, text] of queryStrings(q)) {
      for (const m of text.matchAll(VARIABLE_REF)) {
        if (!names.has(m[1] ?? ''))
          return `${qat}.${field}: ${m[0]} is not a variable of this dashboard`;
      }
    }
  }
  return null;
}

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
  // Ids are unique across the board, panels inside collapsed rows included.
  const ids = new Map<string, string>();
  const visit = (p: { id: string; grid: Panel['grid'] }, at: string): string | null => {
    const first = ids.get(p.id);
    if (first !== undefined) return `${at}.id: '${p.id}' is already the id of ${first}`;
    ids.set(p.id, at);
    if (p.grid.x + p.grid.w > GRID_COLUMNS)
      return `${at}.grid: x + w is ${p.grid.x + p.grid.w}, past the grid's ${GRID_COLUMNS} columns`;
    return null;
  };
  for (const [i, p] of d.panels.entries()) {
    const at = `panels[${i}]`;
    const problem = visit(p, at);
    if (problem !== null) return problem;
    if (!isRow(p)) {
      const bad = panelProblem(p, at, names);
      if (bad !== null) return bad;
      continue;
    }
    if (!p.collapsed && p.panels.length > 0)
      return `${at}.panels: an expanded row keeps its panels on the board, not inside it`;
    for (const [j, c] of p.panels.entries()) {
      const bad = visit(c, `${at}.panels[${j}]`) ?? panelProblem(c, `${at}.panels[${j}]`, names);
      if (bad !== null) return bad;
    }
  }
  return null;
}
