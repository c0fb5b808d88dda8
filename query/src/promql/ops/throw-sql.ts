import { PromQLError } from '../errors.ts';

// Marks the errors our SQL raises on purpose, so they reach the user in Prometheus's words.
const MARK = 'PROMQL_EXECUTION: ';

/** A SQL condition that stops the query with Prometheus's execution error `message`. */
export const throwIfSql = (cond: string, message: string): string =>
  `throwIf(${cond}, '${MARK}${message.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}') = 0`;

/** The execution error a query stopped by throwIfSql carries, if it was one. */
export function sqlThrownError(message: string): PromQLError | undefined {
  const at = message.indexOf(MARK);
  if (at === -1) return undefined;
  const rest = message.slice(at + MARK.length);
  const end = rest.indexOf(': while executing');
  return new PromQLError('execution', end === -1 ? rest : rest.slice(0, end));
}

export const SAME_LABELSET = 'vector cannot contain metrics with the same labelset';

/** Rows (ls, i, val) of `sql`, stopped as Prometheus stops when two share a label set at a step. */
export const uniqueLabelsSql = (sql: string): string =>
  `SELECT ls, i, val FROM (
    SELECT ls, i, val, count() OVER (PARTITION BY i, ls) AS same FROM (${sql}))
  WHERE ${throwIfSql('same > 1', SAME_LABELSET)}`;
