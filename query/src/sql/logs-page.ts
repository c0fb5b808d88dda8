import type { ClickHouseClient } from '@clickhouse/client';
import type { LogsFilter } from './logs-filter.ts';
import {
  logsTable,
  positionParams,
  positionTuple,
  RECORD_COLUMNS,
  ROW_KEY,
  selectRows,
  type RecordRow,
  type RowPosition,
} from './logs-row.ts';

const EPOCH = 'toDateTime64(0, 9)';
/** 2106-01-01, within DateTime too (TimestampTime is compared with it). */
const FAR_FUTURE = 'toDateTime64(4291747200, 9)';

export interface PageRequest {
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly filter: LogsFilter;
  /** `desc`: newest first, rows at or before `from`; `asc`: oldest first, at or after it. */
  readonly order: 'desc' | 'asc';
  readonly from?: { readonly position: RowPosition; readonly inclusive: boolean } | undefined;
  readonly limit: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Up to `limit` rows in the total order (Timestamp, ROW_KEY), starting from a position (or from
 * the newest/oldest row when there is none).
 *
 * ROW_KEY hashes every column, so computing it reads whole rows, and it must only be computed
 * for the few rows that can make the page. Three steps:
 * 1. A scalar subquery finds the timestamp of the `limit`-th row past `from`, reading Timestamp
 *    (and the filter's columns) only. Those rows all belong to the page's candidates, so the
 *    bound can only be loose, never cut a row off.
 * 2. From that bound on, the newest (oldest) `limit` rows by Timestamp plus every row tied with
 *    the last of them are exactly the rows the total order can put on the page.
 * 3. Only those are ordered by ROW_KEY.
 * Without step 1, step 2 (WITH TIES keeps ClickHouse from reading columns lazily) read every
 * column of every matching row: at 10M logs the newest 100 of 24 h with no filter took 5.3 s
 * against 0.5 s with it; without step 2, ordering the bounded rows by ROW_KEY directly took
 * 0.29 s against 0.13 s (query bench store, same run).
 */
export async function fetchPage(req: PageRequest): Promise<RecordRow[]> {
  if (!req.from) {
    const first = await firstPageByTimestamp(req);
    if (first !== null) return first;
  }
  const { query, params } = pageSql(req);
  return selectRows<RecordRow>(req.client, query, params, req.signal);
}

/**
 * A first page is the `limit` newest (oldest) rows by Timestamp, ordered by ROW_KEY among equal
 * timestamps, unless the row after them has the same timestamp as the last of them: then which of
 * the tied rows make the page depends on ROW_KEY, and null hands over to the three steps. Ordered
 * by Timestamp alone, ClickHouse reads whole rows only for the rows it returns (lazy
 * materialisation), which the three steps cannot do: `service:checkout level:error` over 24 h of
 * 1 M logs took 82 ms this way against 191 ms for the three steps (query bench store, same run).
 */
async function firstPageByTimestamp(req: PageRequest): Promise<RecordRow[] | null> {
  const dir = req.order === 'desc' ? 'DESC' : 'ASC';
  const rows = await selectRows<RecordRow>(
    req.client,
    `SELECT ${RECORD_COLUMNS} FROM ${logsTable(req.database)}
    WHERE ${req.filter.sql}
    ORDER BY Timestamp ${dir}
    LIMIT {pageLimit:UInt32}`,
    { ...req.filter.params, pageLimit: req.limit + 1 },
    req.signal,
  );
  const last = rows[req.limit - 1];
  if (last && rows[req.limit]?.ts === last.ts) return null;
  const sign = req.order === 'desc' ? -1 : 1;
  const cmp = (a: bigint, b: bigint) => (a < b ? -sign : a > b ? sign : 0);
  return rows
    .slice(0, req.limit)
    .sort((a, b) => cmp(BigInt(a.ts), BigInt(b.ts)) || cmp(BigInt(a.rowKey), BigInt(b.rowKey)));
}

export function pageSql(req: Omit<PageRequest, 'client' | 'signal'>): {
  query: string;
  params: Record<string, unknown>;
} {
  const desc = req.order === 'desc';
  const dir = desc ? 'DESC' : 'ASC';
  const past = desc ? '<' : '>';
  const table = logsTable(req.database);
  const params: Record<string, unknown> = { ...req.filter.params, pageLimit: req.limit };
  let innerFrom = '';
  let outerFrom = '';
  // With no rows strictly past `from`, only rows at `from.ts` itself can remain; with no `from`
  // either, no row can (so the bound is set past every row).
  let fallback = desc ? FAR_FUTURE : EPOCH;
  if (req.from) {
    Object.assign(params, positionParams('page', req.from.position));
    innerFrom = `AND Timestamp ${past} fromUnixTimestamp64Nano({pageTs:Int64})`;
    // The plain bounds let the primary key skip what lies beyond `from`; the tuple is exact.
    outerFrom = `AND Timestamp ${past}= fromUnixTimestamp64Nano({pageTs:Int64})
      AND TimestampTime ${past}= toDateTime(fromUnixTimestamp64Nano({pageTs:Int64}))
      AND (Timestamp, ${ROW_KEY}) ${past}${req.from.inclusive ? '=' : ''} ${positionTuple('page')}`;
    fallback = 'fromUnixTimestamp64Nano({pageTs:Int64})';
  }
  const edge = desc ? 'minOrNull' : 'maxOrNull';
  const beyond = desc ? '>=' : '<=';
  const query = `
    WITH ifNull((
      SELECT ${edge}(Timestamp) FROM (
        SELECT Timestamp FROM ${table}
        WHERE (${req.filter.sql}) ${innerFrom}
        ORDER BY Timestamp ${dir}
        LIMIT {pageLimit:UInt32}
      )
    ), ${fallback}) AS pageBound
    SELECT ${RECORD_COLUMNS}
    FROM (
      SELECT * FROM ${table}
      WHERE Timestamp ${beyond} pageBound AND TimestampTime ${beyond} toDateTime(pageBound)
        AND (${req.filter.sql}) ${outerFrom}
      ORDER BY Timestamp ${dir}
      LIMIT {pageLimit:UInt32} WITH TIES
    )
    ORDER BY Timestamp ${dir}, rowKey ${dir}
    LIMIT {pageLimit:UInt32}`;
  return { query, params };
}
