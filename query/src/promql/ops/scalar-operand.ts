import type { Params } from '../../sql/metrics-keys.ts';
import { floatSql, type Compiled } from '../compile.ts';

/** A scalar beside rows with a step index: its value as SQL, and the join that brings it. */
export interface ScalarOperand {
  readonly value: string;
  readonly join: string;
}

/**
 * A number literal goes in as a parameter; any other scalar (one row per step) is joined on the
 * step index `i` of the rows aliased `rows`, under `alias`.
 */
export function scalarOperand(c: Compiled, rows: string, alias: string, p: Params): ScalarOperand {
  if (typeof c.value === 'number') return { value: floatSql(c.value, p), join: '' };
  return {
    value: `${alias}.val`,
    join: ` INNER JOIN (${c.sql}) AS ${alias} ON ${rows}.i = ${alias}.i`,
  };
}
