import type { ClickHouseClient } from '@clickhouse/client';
import type { LogFacetsResponse } from '@sightline/model/api/logs';
import { resolveField } from '../search/fields.ts';
import type { TimeRange } from '../time-range.ts';
import { withParam } from '../search/compile-search.ts';
import { andFilters, rangeFilter, type LogsFilter } from './logs-filter.ts';
import { LEVEL_EXPR, logsTable, selectRows } from './logs-row.ts';

export interface LogFacetsRequest {
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly field: string;
  /** The request's search, compiled once (compileSearch). */
  readonly search: LogsFilter;
  readonly range: TimeRange;
  readonly limit: number;
}

/** What a facet groups by and when a row counts as missing it. */
interface FacetExpr {
  readonly value: string;
  readonly present: string;
  readonly params: Record<string, string>;
}

/**
 * The facet field, named as the search language names it (so a facet value clicked in the
 * dashboard becomes `field:value`): `service`, `level`/`severity` (the severity class),
 * `trace_id`, `span_id`, `event_name`, `scope.name`, `scope.version`, `body`, an attribute key (the log attribute if the row has it, else the
 * resource attribute), or `attr.<key>` / `resource.<key>` for one map only.
 */
export function facetExpr(field: string): FacetExpr {
  const resolved = withParam('field', () => resolveField(field, 'logs'));
  switch (resolved.kind) {
    case 'keyword':
    case 'text':
      return { value: resolved.column, present: `${resolved.column} != ''`, params: {} };
    case 'severity':
      return { value: LEVEL_EXPR, present: `${LEVEL_EXPR} != 'unknown'`, params: {} };
    case 'duration':
      // resolveField never yields a duration for logs; kept exhaustive for the compiler.
      throw new Error('duration is not a log field');
    case 'attribute': {
      const key = '{facetKey:String}';
      const has = resolved.maps.map((map) => `mapContains(${map}, ${key})`);
      const [first, second] = resolved.maps;
      const value =
        second === undefined
          ? `${first}[${key}]`
          : `if(mapContains(${first}, ${key}), ${first}[${key}], ${second}[${key}])`;
      return { value, present: `(${has.join(' OR ')})`, params: { facetKey: resolved.key } };
    }
  }
}

/** Top values of a field among the rows a search matches, with the rows that lack it. */
export async function logFacets(req: LogFacetsRequest): Promise<LogFacetsResponse> {
  const facet = facetExpr(req.field);
  const filter = andFilters(req.search, rangeFilter(req.range));
  const table = logsTable(req.database);
  const params = { ...filter.params, ...facet.params };
  // One pass: rows lacking the field group under NULL, which sorts first; the window sum
  // over every group is the total.
  const groups = await selectRows<{ value: string | null; n: string; total: string }>(
    req.client,
    `SELECT value, n, sum(n) OVER () AS total FROM (
        SELECT if(${facet.present}, ${facet.value}, NULL) AS value, count() AS n
        FROM ${table} WHERE ${filter.sql} GROUP BY value
      )
      ORDER BY isNull(value) DESC, n DESC, value ASC
      LIMIT {facetLimit:UInt32}`,
    { ...params, facetLimit: req.limit + 1 },
  );
  const missing = groups[0]?.value === null ? Number(groups[0].n) : 0;
  const values = groups
    .filter((g): g is { value: string; n: string; total: string } => g.value !== null)
    .slice(0, req.limit);
  return {
    from: req.range.fromMs,
    to: req.range.toMs,
    field: req.field,
    values: values.map((v) => ({ value: v.value, count: Number(v.n) })),
    missing,
    total: Number(groups[0]?.total ?? 0),
  };
}
