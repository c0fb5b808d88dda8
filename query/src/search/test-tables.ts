import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { parseSearch } from '@sightline/model/search/parse';
import { createStoreClients } from '@sightline/store/client-factory';
import { migrate } from '@sightline/store/migrate';
import { compileAst, type SearchTarget } from './compile.ts';

/**
 * Test support for the integration tests: an embedded ClickHouse (chDB) in a fresh folder with
 * Sightline's real tables (the store's migrations), which the search compiler reads. chDB allows
 * one data folder per process, and vitest runs each test file in its own process.
 */

// The default database, so the tests' own queries can name the tables bare.
const DB = 'default';

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

const TIMESTAMP = '2024-05-01 12:00:00.000000000';

export async function createSearchTables(spans: SpanRow[], logs: LogRow[]): Promise<SearchTables> {
  const dir = await mkdtemp(join(tmpdir(), 'sightline-search-'));
  const store = createStoreClients({ dataDir: dir, database: DB });
  // Retention 0 keeps rows forever: the fixtures carry a fixed date in the past.
  await migrate(store.writer, DB, { tracesDays: 0, logsDays: 0, metricsDays: 0 });
  const client = store.writer;
  const insert = { format: 'JSONEachRow' } as const;
  await client.insert({
    ...insert,
    table: `${DB}.otel_traces`,
    values: spans.map((row) => ({ Timestamp: TIMESTAMP, TraceId: '', ...row })),
  });
  await client.insert({
    ...insert,
    table: `${DB}.otel_logs`,
    values: logs.map((row) => ({ Timestamp: TIMESTAMP, TraceId: '', ...row })),
  });

  return {
    client,
    async ids(query, target) {
      const { sql, params } = compileAst(parseSearch(query), target);
      const table = target === 'spans' ? 'otel_traces' : 'otel_logs';
      const result = await client.query({
        query: `SELECT SpanId FROM ${DB}.${table} WHERE ${sql} ORDER BY SpanId`,
        query_params: params,
        format: 'JSONEachRow',
      });
      const rows = await result.json<{ SpanId: string }>();
      return rows.map((row) => row.SpanId);
    },
    async count(table) {
      const result = await client.query({
        query: `SELECT count() AS n FROM ${DB}.${table}`,
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ n: string | number }>();
      return Number(row?.n);
    },
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
