/** What a DDL builder needs to know about the target server and the operator's settings. */
export interface DdlContext {
  readonly database: string;
  /** ClickHouse ≥ 26 (and chDB) have inverted text indexes; older servers get bloom filters. */
  readonly textIndex: boolean;
  readonly retention: Retention;
  /**
   * ClickHouse cluster (a name from the servers' remote_servers): migrations then create replicated
   * tables ON CLUSTER and Distributed tables in front of the sharded ones (see cluster.ts).
   */
  readonly cluster?: string | undefined;
}

export interface Retention {
  readonly tracesDays: number;
  readonly logsDays: number;
  readonly metricsDays: number;
}

/** Inserts replayed with the same deduplication token within this many blocks are dropped. */
export const DEDUP_WINDOW = 10_000;

export const ident = (name: string): string => '`' + name.replaceAll('`', '``') + '`';

export const qualified = (ctx: { readonly database: string }, table: string): string =>
  `${ident(ctx.database)}.${ident(table)}`;

export const ttlClause = (column: string, days: number): string =>
  days > 0 ? `TTL toDateTime(${column}) + toIntervalDay(${days})` : '';

// Both windows are set so that a token is remembered as long in a single server as in a cluster.
export const TABLE_SETTINGS = `SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = ${DEDUP_WINDOW}, replicated_deduplication_window = ${DEDUP_WINDOW}`;

/**
 * The ENGINE clause of a table. Every CREATE TABLE goes through this so that the clause has one
 * shape: with a cluster configured, clusterStatements (cluster.ts) turns it into the Replicated
 * engine of the same family, and it needs the table's name to choose the Keeper path, which this
 * clause does not see.
 */
export const tableEngine = (_ctx: DdlContext, engine: string): string => `ENGINE = ${engine}`;
