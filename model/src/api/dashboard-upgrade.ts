/**
 * Dashboards saved before a panel could hold several queries have `query` (one) where today's
 * have `queries` (a list). Stored documents, exported files and API clients may still send that
 * shape; this turns it into today's before validation, so those boards keep loading.
 */

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function upgradePanel(p: unknown): unknown {
  if (!isObject(p)) return p;
  if (Array.isArray(p.panels)) return { ...p, panels: p.panels.map(upgradePanel) };
  if (!('query' in p) || 'queries' in p) return p;
  const { query, ...rest } = p;
  return { ...rest, queries: [query] };
}

/** `doc` with every panel in today's shape; anything else is left for validation to name. */
export function upgradeDashboard<T>(doc: T): T {
  if (!isObject(doc) || !Array.isArray(doc.panels)) return doc;
  return { ...doc, panels: doc.panels.map(upgradePanel) };
}
