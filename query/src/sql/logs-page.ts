import type { ClickHouseClient } from '@clickhouse/client';
import type { LogsFilter } from './logs-filter.ts';
import {
  logsTable,
  positionParams,
  positionTuple,
  RECORD_COLUMNS,
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
 * Up to `limit` rows in the total order (Timestamp, ROW_KEY), starting from a position.
 *
 * ROW_KEY hashes every column, so sorting by it reads whole rows. A scalar subquery first finds
 * the timestamp of the `limit`-th row reading Timestamp (and the filter's columns) only; the main
 * query then reads whole rows from that timestamp on. The subquery looks strictly past
 * `from.ts`: those rows all belong to the page's candidates, so the `limit`-th of them is never
 * beyond the page's last row — the bound can only be loose, never cut a row off. A first page
 * (no `from`) needs no such bound: it takes one pass, see firstPageSql.
 */
export async function fetchPage(req: PageRequest): Promise<RecordRow[]> {
  const desc = req.order === 'desc';
  const dir = desc ? 'DESC' : 'ASC';
  if (!req.from) {
    return selectRows<RecordRow>(
      req.client,
      firstPageSql(req.database, req.filter, dir),
      {
        ...req.filter.params,
        pageLimit: req.limit,
      },
      req.signal,
    );
  }
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
      AND (Timestamp, rowKey) ${past}${req.from.inclusive ? '=' : ''} ${positionTuple('page')}`;
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
    FROM ${table}
    WHERE Timestamp ${beyond} pageBound AND TimestampTime ${beyond} toDateTime(pageBound)
      AND (${req.filter.sql}) ${outerFrom}
    ORDER BY Timestamp ${dir}, rowKey ${dir}
    LIMIT {pageLimit:UInt32}`;
  return selectRows<RecordRow>(req.client, query, params, req.signal);
}

/**
 * The first page in one pass: the newest (or oldest) `limit` rows by Timestamp, plus every row
 * tied with the last of them (WITH TIES), are exactly the rows the total order can put on the
 * page; only those few are then ordered by ROW_KEY. Sorting by Timestamp alone lets ClickHouse
 * read the other columns lazily, for the rows that make the cut only.
 */
export function firstPageSql(database: string, filter: LogsFilter, dir: 'ASC' | 'DESC'): string {
  const table = logsTable(database);
  return `SELECT ${RECORD_COLUMNS}
    FROM (
      SELECT * FROM ${table}
      WHERE ${filter.sql}
      ORDER BY Timestamp ${dir}
      LIMIT {pageLimit:UInt32} WITH TIES
    )
    ORDER BY Timestamp ${dir}, rowKey ${dir}
    LIMIT {pageLimit:UInt32}`;
}
