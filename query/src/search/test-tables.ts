import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { parseSearch } from '@sightline/model/search/parse';
import { createChdbConnection } from 'chdb/connection';
import { compileSearch, type SearchTarget } from './compile.ts';

/**
 * Test support for the integration tests: an embedded ClickHouse (chDB) in a fresh folder with
 * the OTel exporter's `otel_traces` / `otel_logs` columns the search compiler reads. chDB allows
 * one data folder per process, and vitest runs each test file in its own process.
 */

const TRACES_DDL = `CREATE TABLE otel_traces (
  Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
  TraceId String CODEC(ZSTD(1)),
  SpanId String CODEC(ZSTD(1)),
  ParentSpanId String CODEC(ZSTD(1)),
  TraceState String CODEC(ZSTD(1)),
  SpanName LowCardinality(String) CODEC(ZSTD(1)),
  SpanKind LowCardinality(String) CODEC(ZSTD(1)),
  ServiceName LowCardinality(String) CODEC(ZSTD(1)),
  ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  ScopeName String CODEC(ZSTD(1)),
  ScopeVersion String CODEC(ZSTD(1)),
  SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  Duration UInt64 CODEC(ZSTD(1)),
  StatusCode LowCardinality(String) CODEC(ZSTD(1)),
  StatusMessage String CODEC(ZSTD(1)),
  INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_duration Duration TYPE minmax GRANULARITY 1
) ENGINE = MergeTree
ORDER BY (ServiceName, SpanName, toDateTime(Timestamp))`;

const LOGS_DDL = `CREATE TABLE otel_logs (
  Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
  TraceId String CODEC(ZSTD(1)),
  SpanId String CODEC(ZSTD(1)),
  TraceFlags UInt8,
  SeverityText LowCardinality(String) CODEC(ZSTD(1)),
  SeverityNumber UInt8,
  ServiceName LowCardinality(String) CODEC(ZSTD(1)),
  Body String CODEC(ZSTD(1)),
  ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  ScopeName String CODEC(ZSTD(1)),
  ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  LogAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  EventName String CODEC(ZSTD(1)),
  INDEX idx_body Body TYPE text(tokenizer = splitByNonAlpha, preprocessor = lower(Body)),
  INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1
) ENGINE = MergeTree
ORDER BY (ServiceName, toDateTime(Timestamp))`;

export interface SpanRow {
  SpanId: string;
  TraceId?: string;
  ServiceName: string;
  SpanName: string;
  SpanKind: string;
  StatusCode: string;
  StatusMessage?: string;
  Duration: number;
  SpanAttributes?: Record<string, string>;
  ResourceAttributes?: Record<string, string>;
}

export interface LogRow {
  SpanId: string;
  TraceId?: string;
  ServiceName: string;
  SeverityText: string;
  SeverityNumber: number;
  Body: string;
  LogAttributes?: Record<string, string>;
  ResourceAttributes?: Record<string, string>;
}

export interface SearchTables {
  client: ClickHouseClient;
  /** Ids (SpanId, which the log fixtures also use as their id) of the rows a query matches. */
  ids(query: string, target: SearchTarget): Promise<string[]>;
  count(table: 'otel_traces' | 'otel_logs'): Promise<number>;
  close(): Promise<void>;
}

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

const TIMESTAMP = '2024-05-01 12:00:00.000000000';

export async function createSearchTables(spans: SpanRow[], logs: LogRow[]): Promise<SearchTables> {
  const dir = await mkdtemp(join(tmpdir(), 'sightline-search-'));
  // chDB implements the Connection interface of @clickhouse/client-common, which the client
  // bundles its own copy of; the two copies' settings types differ only by version.
  const connection = createChdbConnection({ path: dir }) as unknown as ClientConnection;
  const client = createClient({ connection });
  await client.command({ query: TRACES_DDL });
  await client.command({ query: LOGS_DDL });
  const insert = { format: 'JSONEachRow', clickhouse_settings: { async_insert: 0 } } as const;
  await client.insert({
    ...insert,
    table: 'otel_traces',
    values: spans.map((row) => ({ Timestamp: TIMESTAMP, TraceId: '', ...row })),
  });
  await client.insert({
    ...insert,
    table: 'otel_logs',
    values: logs.map((row) => ({ Timestamp: TIMESTAMP, TraceId: '', ...row })),
  });

  return {
    client,
    async ids(query, target) {
      const { sql, params } = compileSearch(parseSearch(query), target);
      const table = target === 'spans' ? 'otel_traces' : 'otel_logs';
      const result = await client.query({
        query: `SELECT SpanId FROM ${table} WHERE ${sql} ORDER BY SpanId`,
        query_params: params,
        format: 'JSONEachRow',
      });
      const rows = await result.json<{ SpanId: string }>();
      return rows.map((row) => row.SpanId);
    },
    async count(table) {
      const result = await client.query({
        query: `SELECT count() AS n FROM ${table}`,
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ n: string | number }>();
      return Number(row?.n);
    },
    async close() {
      await client.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
