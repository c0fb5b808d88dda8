import type { ClickHouseClient } from '@clickhouse/client';
import type { LogRecord } from '@sightline/model/api/logs';
import type { TimeRange } from '../time-range.ts';
import { encodeCursor, fingerprint, type LogCursor } from './logs-cursor.ts';
import { andFilters, rangeFilter, type LogsFilter } from './logs-filter.ts';
import { fetchPage } from './logs-page.ts';
import { positionOf, samePosition, toLogRecord, type RowPosition } from './logs-row.ts';

export interface LogSearchRequest {
  readonly client: ClickHouseClient;
  readonly database: string;
  /** The search as typed (its fingerprint goes into the cursor). */
  readonly q: string | undefined;
  /** The request's search, compiled once (compileSearch). */
  readonly search: LogsFilter;
  /** The first page's range; a cursor brings its own. */
  readonly range: TimeRange;
  readonly cursor: LogCursor | undefined;
  readonly limit: number;
}

export interface LogSearchPage {
  readonly range: TimeRange;
  readonly rows: LogRecord[];
  readonly nextCursor: string | null;
}

/** One page of a search, newest first, in the total order (Timestamp DESC, ROW_KEY DESC). */
export async function searchLogs(req: LogSearchRequest): Promise<LogSearchPage> {
  const range = req.cursor?.range ?? req.range;
  const filter = andFilters(req.search, rangeFilter(range));
  const cursor = req.cursor;
  // Inclusive of the cursor's row, whose copies already returned are skipped below; one more
  // row than the page tells whether another page follows.
  const fetched = await fetchPage({
    client: req.client,
    database: req.database,
    filter,
    order: 'desc',
    from: cursor ? { position: cursor.position, inclusive: true } : undefined,
    limit: req.limit + (cursor?.copies ?? 0) + 1,
  });
  let skip = 0;
  if (cursor) {
    while (
      skip < cursor.copies &&
      skip < fetched.length &&
      samePosition(positionOf(fetched[skip]!), cursor.position)
    ) {
      skip++;
    }
  }
  const rows = fetched.slice(skip, skip + req.limit);
  const more = fetched.length > skip + req.limit;
  const last = rows.at(-1);
  let nextCursor: string | null = null;
  if (more && last) {
    const position = positionOf(last);
    nextCursor = encodeCursor({
      position,
      copies: trailingCopies(rows, position, cursor),
      range,
      qFingerprint: fingerprint(req.q ?? ''),
    });
  }
  return { range, rows: rows.map(toLogRecord), nextCursor };
}

/** Copies of the last row at the end of this page, plus earlier pages' if the run continues. */
function trailingCopies(
  rows: readonly { ts: string; rowKey: string }[],
  position: RowPosition,
  cursor: LogCursor | undefined,
): number {
  let n = 0;
  for (let i = rows.length - 1; i >= 0 && samePosition(positionOf(rows[i]!), position); i--) n++;
  if (n === rows.length && cursor && samePosition(cursor.position, position)) n += cursor.copies;
  return n;
}
