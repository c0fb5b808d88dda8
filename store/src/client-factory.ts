import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { killOnAbort } from './kill-on-abort.ts';
import { pooledConnection, type Connection } from './read-pool.ts';
import { spoolingConnection } from './spool-insert.ts';

export interface StoreConnectionOptions {
  /** ClickHouse server URL (http[s]://user:pass@host:8123). Unset → embedded chDB. */
  readonly url?: string | undefined;
  /** Folder of the embedded store; ignored when `url` is set. */
  readonly dataDir: string;
  readonly database: string;
  /** Per-query limit in seconds for reads (ClickHouse's max_execution_time). */
  readonly queryTimeoutSeconds?: number;
  /** ClickHouse cluster the tables are spread over (server only); see schema/cluster.ts. */
  readonly cluster?: string | undefined;
  /** Embedded only: chDB sessions serving reads, each running one query at a time (default 2). */
  readonly readSessions?: number | undefined;
}

export interface StoreClients {
  readonly kind: 'embedded' | 'server';
  /** Inserts and DDL. One chDB session runs one statement at a time, so writes get their own. */
  readonly writer: ClickHouseClient;
  /**
   * Queries from the API; embedded, on sessions of their own (in parallel with the writer and
   * with each other), see `readSessions`.
   */
  readonly reader: ClickHouseClient;
  readonly database: string;
  /** Human-readable location: the data folder or the server URL without credentials. */
  readonly location: string;
  close(): Promise<void>;
}

const WRITE_SETTINGS: ClickHouseSettings = {
  // Group commit acknowledges after the insert returns, so the insert itself must be synchronous.
  async_insert: 0,
  deduplicate_blocks_in_dependent_materialized_views: 1,
  // With ingest and the JS side sharing two cores, parsing each insert on one thread measured
  // faster end to end (traces 15.4k → 18.7k spans/s in one bench run) than the parallel parser.
  input_format_parallel_parsing: 0,
  // A JSON string with a lone UTF-16 surrogate (\ud800) is stored as written instead of failing
  // the whole insert: OTLP/JSON bodies may carry them, and one must not sink a shared batch.
  input_format_json_throw_on_bad_escape_sequence: 0,
};

const CLUSTER_WRITE_SETTINGS: ClickHouseSettings = {
  // An insert into a Distributed table returns once every shard stored its part, so an
  // acknowledgement still means durable, and each shard receives its part with our deduplication
  // token. The background mode would queue and re-batch blocks, and a replay would not match.
  insert_distributed_sync: 1,
};

const CLUSTER_READ_SETTINGS: ClickHouseSettings = {
  // A subquery over a Distributed table inside IN/JOIN runs once and is sent to every shard, so
  // "the 20 latest traces" means the same with one shard or ten (the default refuses such queries).
  distributed_product_mode: 'global',
};

const READ_SETTINGS: ClickHouseSettings = {
  // 64-bit integers (durations, counts) must survive JSON without losing precision.
  output_format_json_quote_64bit_integers: 1,
};

/** The one place a ClickHouse client is made: a server over HTTP when a URL is given, else embedded chDB. */
export function createStoreClients(opts: StoreConnectionOptions): StoreClients {
  const readSettings: ClickHouseSettings = { ...READ_SETTINGS };
  if (opts.queryTimeoutSeconds !== undefined) {
    readSettings.max_execution_time = opts.queryTimeoutSeconds;
  }
  if (opts.url) {
    const url = new URL(opts.url);
    const common = { url: opts.url, request_timeout: 60_000 };
    const clustered = opts.cluster !== undefined;
    const writer = createClient({
      ...common,
      clickhouse_settings: clustered
        ? { ...WRITE_SETTINGS, ...CLUSTER_WRITE_SETTINGS }
        : WRITE_SETTINGS,
    });
    const reader = createClient({
      ...common,
      clickhouse_settings: clustered ? { ...readSettings, ...CLUSTER_READ_SETTINGS } : readSettings,
    });
    url.username = '';
    url.password = '';
    return {
      kind: 'server',
      writer,
      reader,
      database: opts.database,
      location: url.toString(),
      close: () => closeBoth(writer, reader),
    };
  }
  if (opts.cluster !== undefined) {
    throw new Error('a ClickHouse cluster needs a server URL; the embedded store is a single node');
  }
  const path = resolve(opts.dataDir);
  mkdirSync(path, { recursive: true });
  const writing = embeddedConnection(path);
  const writer = createClient({
    connection: spoolingConnection(writing, path),
    clickhouse_settings: WRITE_SETTINGS,
  });
  const sessions = Array.from({ length: Math.max(1, opts.readSessions ?? 2) }, () =>
    embeddedConnection(path),
  );
  const reader = createClient({
    // An aborted read is killed through the writer's session (see kill-on-abort.ts).
    connection: killOnAbort(
      sessions.length === 1 ? sessions[0]! : pooledConnection(sessions),
      writing,
    ),
    clickhouse_settings: readSettings,
  });
  return {
    kind: 'embedded',
    writer,
    reader,
    database: opts.database,
    location: path,
    close: () => closeBoth(writer, reader),
  };
}

// chdb implements @clickhouse/client's Connection contract, but types it against the deprecated
// @clickhouse/client-common package, whose declarations differ only in where they live.
function embeddedConnection(path: string): Connection {
  return createChdbConnection({ path }) as unknown as Connection;
}

async function closeBoth(a: ClickHouseClient, b: ClickHouseClient): Promise<void> {
  await Promise.allSettled([a.close(), b.close()]);
}
