import type { ClickHouseClient } from '@clickhouse/client';
import type { LogLevel, LogRecord } from '@sightline/model/api/logs';
import { qualified } from '@sightline/store/schema/ddl-context';
import { LOGS_TABLE } from '@sightline/store/schema/logs';
import { SEVERITY_LEVELS } from '../search/values.ts';

/** `db`.`otel_logs`, quoted. */
export const logsTable = (database: string): string => qualified({ database }, LOGS_TABLE);

/**
 * The tiebreaker of the total order (Timestamp, ROW_KEY): a hash of every stored column
 * (TimestampTime is derived from Timestamp). Two rows share it only if they are exact copies —
 * a client that re-sent a batch — or on a 64-bit collision within the same nanosecond. Copies
 * are interchangeable, so cursors count how many of them were returned (logs-cursor.ts).
 */
export const ROW_KEY = `cityHash64(Timestamp, TraceId, SpanId, TraceFlags, SeverityText,
  SeverityNumber, ServiceName, Body, ResourceSchemaUrl, ResourceAttributes, ScopeSchemaUrl,
  ScopeName, ScopeVersion, ScopeAttributes, LogAttributes, EventName)`;

// Level names and aliases are constants of this code base, never user input; checked anyway.
for (const level of SEVERITY_LEVELS) {
  for (const word of [level.name, ...level.aliases]) {
    if (!/^[a-z]+$/.test(word)) throw new Error(`unexpected severity alias '${word}'`);
  }
}

/** The severity class a SeverityText names (any case), for rows whose SeverityNumber is 0. */
export const TEXT_LEVEL_EXPR = `multiIf(${SEVERITY_LEVELS.flatMap((l) => [
  `lowerUTF8(SeverityText) IN (${l.aliases.map((a) => `'${a}'`).join(', ')})`,
  `'${l.name}'`,
]).join(', ')}, 'unknown')`;

/**
 * The severity class of a row, exactly as `level:<name>` searches it: the SeverityNumber range,
 * or, when the number is 0, the SeverityText spelling. Anything else is `unknown`.
 */
export const LEVEL_EXPR = `multiIf(${SEVERITY_LEVELS.flatMap((l) => [
  `SeverityNumber BETWEEN ${l.min} AND ${l.max}`,
  `'${l.name}'`,
]).join(', ')}, SeverityNumber = 0, ${TEXT_LEVEL_EXPR}, 'unknown')`;

/** LEVEL_EXPR's class of a non-zero SeverityNumber, in JS. */
export function numberLevel(severityNumber: number): LogLevel {
  const level = SEVERITY_LEVELS.find((l) => severityNumber >= l.min && severityNumber <= l.max);
  return level ? (level.name as LogLevel) : 'unknown';
}

/** The columns of a LogRecord; `rowKey` is ROW_KEY, usable in WHERE/ORDER BY by that alias. */
export const RECORD_COLUMNS = `toString(toUnixTimestamp64Nano(Timestamp)) AS ts, ${ROW_KEY} AS rowKey,
  SeverityText, SeverityNumber, ${LEVEL_EXPR} AS level, ServiceName, Body, TraceId, SpanId,
  EventName, ScopeName, ScopeVersion, LogAttributes, ResourceAttributes`;

export interface RecordRow {
  ts: string;
  rowKey: string;
  SeverityText: string;
  SeverityNumber: number;
  level: LogLevel;
  ServiceName: string;
  Body: string;
  TraceId: string;
  SpanId: string;
  EventName: string;
  ScopeName: string;
  ScopeVersion: string;
  LogAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
}

export function toLogRecord(r: RecordRow): LogRecord {
  return {
    timestamp: r.ts,
    id: r.rowKey,
    severityText: r.SeverityText,
    severityNumber: r.SeverityNumber,
    level: r.level,
    service: r.ServiceName,
    body: r.Body,
    traceId: r.TraceId,
    spanId: r.SpanId,
    eventName: r.EventName,
    scope: { name: r.ScopeName, version: r.ScopeVersion },
    attributes: r.LogAttributes,
    resourceAttributes: r.ResourceAttributes,
  };
}

/** A row's place in the total order. */
export interface RowPosition {
  readonly ts: bigint;
  readonly key: bigint;
}

export const positionOf = (r: { ts: string; rowKey: string }): RowPosition => ({
  ts: BigInt(r.ts),
  key: BigInt(r.rowKey),
});

export const samePosition = (a: RowPosition, b: RowPosition): boolean =>
  a.ts === b.ts && a.key === b.key;

/** Parameters that place a tuple `(Timestamp, rowKey)` at a position. */
export const positionParams = (prefix: string, p: RowPosition): Record<string, string> => ({
  [`${prefix}Ts`]: p.ts.toString(),
  [`${prefix}Key`]: p.key.toString(),
});

export const positionTuple = (prefix: string): string =>
  `(fromUnixTimestamp64Nano({${prefix}Ts:Int64}), {${prefix}Key:UInt64})`;

/** Runs one SELECT and reads every row (JSONEachRow; 64-bit integers arrive as strings). */
export async function selectRows<T>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<T[]> {
  const rs = await client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    ...(signal ? { abort_signal: signal } : {}),
  });
  return rs.json<T>();
}
