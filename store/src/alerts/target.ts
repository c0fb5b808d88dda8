import type { ClickHouseClient } from '@clickhouse/client';

/** Where the alert tables live: the write and read clients and the database. */
export interface StoreTarget {
  readonly writer: ClickHouseClient;
  readonly reader: ClickHouseClient;
  readonly database: string;
}
