import type { AlertQuery, LogCountQuery } from '@sightline/model/api/alerts';
import { logsTable, selectRows } from '../sql/logs-row.ts';
import {
  evaluateQuery,
  logCountGroups,
  logCountParts,
  MAX_GROUPS,
  type EvalTarget,
  type QueryResult,
} from './evaluate-query.ts';
import { instantsOfRow, type Instants } from './instants.ts';
import { redInstants } from './red-instants.ts';
import { Params } from '../sql/metrics-keys.ts';

/** Evaluations of rules other than log counts run this many at a time (the read sessions queue the rest). */
const PARALLEL = 4;

/**
 * The rule's query at each instant, each over its own window [at - windowMs, at): what
 * evaluateQuery answers instant by instant. Log counts and RED rules are one scan for every
 * instant; the other kinds are evaluated a few instants at a time.
 */
export async function evaluateInstants(
  target: EvalTarget,
  query: AlertQuery,
  groupBy: readonly string[],
  windowMs: number,
  at: Instants,
): Promise<QueryResult[]> {
  if (query.kind === 'log_count') return logCountInstants(target, query, groupBy, windowMs, at);
  if (query.kind === 'trace_red') {
    const red = await redInstants(target, query, groupBy, windowMs, at);
    if (red) return red;
  }
  const results: QueryResult[] = new Array<QueryResult>(at.count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < at.count; i = next++) {
      results[i] = await evaluateQuery(target, query, groupBy, windowMs, at.fromMs + i * at.stepMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, at.count) }, worker));
  return results;
}

/** One scan of the logs of every window (see instantsOfRow), counted per instant and group. */
async function logCountInstants(
  target: EvalTarget,
  query: LogCountQuery,
  groupBy: readonly string[],
  windowMs: number,
  at: Instants,
): Promise<QueryResult[]> {
  const lastMs = at.fromMs + (at.count - 1) * at.stepMs;
  const { filter, cols, groupParams } = logCountParts(query, groupBy, {
    fromMs: at.fromMs - windowMs,
    toMs: lastMs,
  });
  const p = new Params('ev');
  const keys = ['i', ...groupBy.map((_, i) => `g${i}`)].join(', ');
  const rows = await selectRows<Record<string, string>>(
    target.client,
    `SELECT ${cols}i, count() AS n FROM ${logsTable(target.database)}
      ARRAY JOIN ${instantsOfRow(windowMs, at, p)} AS i
      WHERE ${filter.sql}
      GROUP BY ${keys} ORDER BY i, n DESC LIMIT ${MAX_GROUPS} BY i`,
    { ...filter.params, ...groupParams, ...p.values },
  );
  const byInstant = Array.from({ length: at.count }, (): Record<string, string>[] => []);
  for (const row of rows) byInstant[Number(row.i)]?.push(row);
  return byInstant.map((r) => logCountGroups(r, groupBy));
}
