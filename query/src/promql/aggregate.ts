import type { Aggregate } from './ast.ts';
import type { CompileArg, Compiled, CompileContext } from './compile.ts';
import { groupLabelsSql, labelsHashSql } from './ops/labels-sql.ts';

// NaN is skipped by min and max unless every value is NaN, as in Prometheus.
const notNaN = 'NOT isNaN(val)';
const AGGREGATES: Partial<Record<Aggregate['op'], string>> = {
  sum: 'sum(val)',
  avg: 'avg(val)',
  min: `if(countIf(${notNaN}) = 0, nan, minIf(val, ${notNaN}))`,
  max: `if(countIf(${notNaN}) = 0, nan, maxIf(val, ${notNaN}))`,
  count: 'toFloat64(count())',
  group: 'toFloat64(1)',
  // NaN once a value is not finite, as Prometheus's running variance; ClickHouse's skips it.
  stddev: 'if(countIf(NOT isFinite(val)) > 0, nan, stddevPop(val))',
  stdvar: 'if(countIf(NOT isFinite(val)) > 0, nan, varPop(val))',
};

/** sum/avg/min/max/count/group/stddev/stdvar with by/without; undefined for the others. */
export function compileAggregation(
  a: Aggregate,
  ctx: CompileContext,
  compileArg: CompileArg,
): Compiled | undefined {
  const agg = AGGREGATES[a.op];
  if (agg === undefined) return undefined;
  const inner = compileArg(a.expr, ctx);
  const ls = groupLabelsSql(a.by, a.without, 'ls', ctx.p);
  if (inner.series !== undefined) {
    // Each series' group found once, then values added up by group key, labels joined per row.
    const groups = `SELECT sk, gls, ${labelsHashSql('gls')} AS gk FROM (
        SELECT sk, ${ls} AS gls FROM (${inner.series.labels}))`;
    const rows = `SELECT g.gk AS gk, g.gls AS gls, v.i AS i, v.val AS val
      FROM (${inner.series.values}) AS v INNER JOIN (${groups}) AS g USING (sk)`;
    return {
      type: 'vector',
      sql: `SELECT ls, i, val FROM (
        SELECT any(gls) AS ls, i, ${agg} AS val FROM (${rows}) GROUP BY gk, i)`,
    };
  }
  const sql = `SELECT ${ls} AS gls, i, ${agg} AS val FROM (${inner.sql}) GROUP BY gls, i`;
  return { type: 'vector', sql: `SELECT gls AS ls, i, val FROM (${sql})` };
}
