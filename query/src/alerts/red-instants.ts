import type { TraceRedQuery } from '@sightline/model/api/alerts';
import { ident } from '@sightline/store/schema/ddl-context';
import { selectRows } from '../sql/logs-row.ts';
import { Params } from '../sql/metrics-keys.ts';
import { redEntries, spanRangeSql, usesRollup, type RedRow } from '../sql/red-stats.ts';
import {
  MAX_GROUPS,
  redGroups,
  traceSearch,
  type EvalTarget,
  type QueryResult,
} from './evaluate-query.ts';
import { instantsOfRow, type Instants } from './instants.ts';

type Row = Omit<RedRow, 'step' | 'b'> & { i: string };

/**
 * A RED rule at every instant in one scan: per instant and name, what redStats answers for that
 * instant's window alone — requests, errors and exact percentiles of the entry spans, where a
 * service without Server or Consumer spans in the window counts all its spans. Undefined when the
 * window is long enough for redStats to read the per-minute rollup instead (then the caller
 * evaluates instant by instant, so the answers stay the same).
 */
export async function redInstants(
  target: EvalTarget,
  query: TraceRedQuery,
  groupBy: readonly string[],
  windowMs: number,
  at: Instants,
): Promise<QueryResult[] | undefined> {
  const lastMs = at.fromMs + (at.count - 1) * at.stepMs;
  const grid = { fromMs: at.fromMs - windowMs, toMs: lastMs, stepMs: windowMs, points: 1 };
  if (usesRollup({ ...grid, toMs: grid.fromMs + windowMs })) return undefined;
  const byOperation = groupBy[0] === 'operation';
  const search = traceSearch(query, byOperation);
  const db = ident(target.database);
  const p = new Params('r');
  const range = spanRangeSql(grid, query.service, p);
  const instants = instantsOfRow(windowMs, at, p);
  const entry = `SpanKind IN ('Server', 'Consumer')`;
  const rows = await selectRows<Row>(
    target.client,
    `SELECT i, ${byOperation ? 'SpanName' : 'ServiceName'} AS name, count() AS requests,
        countIf(StatusCode = 'Error') AS errors,
        quantilesExactInclusive(0.5, 0.95, 0.99)(Duration) AS q
      FROM ${db}.otel_traces ARRAY JOIN ${instants} AS i
      WHERE ${range} ${search ? `AND (${search.sql})` : ''}
        AND (${entry} OR (i, ServiceName) NOT IN (
          SELECT i, ServiceName FROM ${db}.otel_traces ARRAY JOIN ${instants} AS i
          WHERE ${range} AND ${entry} GROUP BY i, ServiceName))
      GROUP BY i, name ORDER BY i, requests DESC, name LIMIT ${MAX_GROUPS} BY i`,
    { ...(search?.params ?? {}), ...p.values },
  );
  const byInstant = Array.from({ length: at.count }, (): RedRow[] => []);
  for (const { i, ...r } of rows) byInstant[Number(i)]?.push({ ...r, step: 0, b: '0' });
  // Each instant's rows as redStats turns its one-window answer into entries.
  const window = { fromMs: 0, toMs: windowMs, stepMs: windowMs, points: 1 };
  const entries = byInstant.map((r) => redEntries(r, window, MAX_GROUPS).entries);
  return entries.map((e) => redGroups(query, groupBy, windowMs, e));
}
