import type { ClickHouseClient } from '@clickhouse/client';
import type { LogContextRecord, LogContextResponse } from '@sightline/model/api/logs';
import { SightlineError } from '@sightline/model/errors';
import { andFilters, rangeFilter, type LogsFilter } from './logs-filter.ts';
import { fetchPage } from './logs-page.ts';
import {
  logsTable,
  positionParams,
  positionTuple,
  RECORD_COLUMNS,
  selectRows,
  toLogRecord,
  type RecordRow,
  type RowPosition,
} from './logs-row.ts';

export interface LogContextRequest {
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly anchor: RowPosition;
  readonly before: number;
  readonly after: number;
  readonly scope: 'service' | 'all';
}

/** Neighbours further than this from the anchor are not its context (and not worth a scan). */
export const CONTEXT_WINDOW_MS = 86_400_000;

/**
 * The rows just before and after one row in the total order (Timestamp, ROW_KEY), oldest first,
 * whatever the search that found it: context is what else happened around it.
 */
export async function logContext(req: LogContextRequest): Promise<LogContextResponse> {
  const table = logsTable(req.database);
  const seconds = req.anchor.ts / 1_000_000_000n;
  // Exact copies of the anchor (same position) are shown right after it.
  const anchors = await selectRows<RecordRow>(
    req.client,
    `SELECT ${RECORD_COLUMNS} FROM ${table}
      WHERE TimestampTime = toDateTime({anchorS:UInt32})
        AND (Timestamp, rowKey) = ${positionTuple('anchor')}
      LIMIT {anchorLimit:UInt32}`,
    {
      ...positionParams('anchor', req.anchor),
      anchorS: seconds.toString(),
      anchorLimit: 1 + req.after,
    },
  );
  const anchor = anchors[0];
  if (!anchor) {
    throw new SightlineError(
      'SL_ERR_LOG_NOT_FOUND',
      404,
      `no log at timestamp ${req.anchor.ts} with id ${req.anchor.key}`,
    );
  }
  const anchorMs = Number(req.anchor.ts / 1_000_000n);
  const filters: LogsFilter[] = [
    rangeFilter({ fromMs: anchorMs - CONTEXT_WINDOW_MS, toMs: anchorMs + CONTEXT_WINDOW_MS + 1 }),
  ];
  if (req.scope === 'service') {
    filters.push({
      sql: 'ServiceName = {contextService:String}',
      params: { contextService: anchor.ServiceName },
    });
  }
  const filter = andFilters(...filters);
  const page = (order: 'asc' | 'desc', limit: number) =>
    limit === 0
      ? Promise.resolve([])
      : fetchPage({
          client: req.client,
          database: req.database,
          filter,
          order,
          from: { position: req.anchor, inclusive: false },
          limit,
        });
  const before = (await page('desc', req.before)).reverse();
  const after = await page('asc', req.after);
  const rows: LogContextRecord[] = [
    ...before.map((r) => ({ ...toLogRecord(r), anchor: false })),
    ...anchors.map((r, i) => ({ ...toLogRecord(r), anchor: i === 0 })),
    ...after.slice(0, Math.max(0, req.after - (anchors.length - 1))).map((r) => ({
      ...toLogRecord(r),
      anchor: false,
    })),
  ];
  return { rows, anchorIndex: before.length };
}
