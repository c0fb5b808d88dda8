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

/** Evenly spaced evaluation instants: fromMs, fromMs + stepMs, … (count of them). */
export interface Instants {
  readonly fromMs: number;
  readonly stepMs: number;
  readonly count: number;
}

/** Evaluations of rules other than log counts run this many at a time (the read sessions queue the rest). */
const PARALLEL = 4;

/**
 * The rule's query at each instant, each over its own window [at - windowMs, at): what
 * evaluateQuery answers instant by instant. A log count is one scan for every instant; the other
 * kinds are evaluated a few instants at a time.
 */
export async function evaluateInstants(
  target: EvalTarget,
  query: AlertQuery,
  groupBy: readonly string[],
  windowMs: number,
  at: Instants,
): Promise<QueryResult[]> {
  if (query.kind === 'log_count') return logCountInstants(target, query, groupBy, windowMs, at);
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

/**
 * One scan of the logs of every window: each row is counted once for every instant whose window
 * holds it. With d = t - (fromMs - windowMs) (t the row's time in ms), instant i holds the row when
 * i·step ≤ d < i·step + windowMs, so i runs from ⌊(d - windowMs)/step⌋ + 1 to ⌊d/step⌋. Whole
 * milliseconds suffice: every bound is a whole millisecond, and t ≥ bound ⇔ ⌊t⌋ ≥ bound.
 */
async function logCountInstants(
  target: EvalTarget,
  query: LogCountQuery,
  groupBy: readonly string[],
  windowMs: number,
  at: Instants,
): Promise<QueryResult[]> {
  const base = at.fromMs - windowMs;
  const lastMs = at.fromMs + (at.count - 1) * at.stepMs;
  const { filter, cols, groupParams } = logCountParts(query, groupBy, {
    fromMs: base,
    toMs: lastMs,
  });
  // Shifted so the division's numerator is never negative (intDiv truncates toward zero).
  const shift = Math.ceil(windowMs / at.stepMs);
  const d = `(toUnixTimestamp64Milli(Timestamp) - {evBase:Int64})`;
  const lo = `greatest(0, intDiv(${d} + {evShiftMs:Int64}, {evStep:Int64}) - {evShift:Int64} + 1)`;
  const hi = `least({evLast:Int64}, intDiv(${d}, {evStep:Int64}))`;
  const keys = ['i', ...groupBy.map((_, i) => `g${i}`)].join(', ');
  const rows = await selectRows<Record<string, string>>(
    target.client,
    `SELECT ${cols}i, count() AS n FROM ${logsTable(target.database)}
      ARRAY JOIN range(toUInt32(${lo}), toUInt32(greatest(${lo}, ${hi} + 1))) AS i
      WHERE ${filter.sql}
      GROUP BY ${keys} ORDER BY i, n DESC LIMIT ${MAX_GROUPS} BY i`,
    {
      ...filter.params,
      ...groupParams,
      evBase: base,
      evStep: at.stepMs,
      evShift: shift,
      evShiftMs: shift * at.stepMs - windowMs,
      evLast: at.count - 1,
    },
  );
  const byInstant = Array.from({ length: at.count }, (): Record<string, string>[] => []);
  for (const row of rows) byInstant[Number(row.i)]?.push(row);
  return byInstant.map((r) => logCountGroups(r, groupBy));
}
