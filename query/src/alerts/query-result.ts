import type { ClickHouseClient } from '@clickhouse/client';

/** Most alerts one evaluation of one rule produces; more groups are cut (largest first for logs). */
export const MAX_GROUPS = 500;

export interface GroupValue {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number | null;
}

export interface QueryResult {
  readonly groups: ReadonlyMap<string, GroupValue>;
  /**
   * The value of a known group absent from this result: 0 for counts and rates (nothing
   * happened), null (no data) for ratios, percentiles and metrics.
   */
  readonly absent: number | null;
}

export interface EvalTarget {
  readonly client: ClickHouseClient;
  readonly database: string;
}

/** `service=checkout,route=/pay`: stable, readable, '' without group-by. */
export const groupKeyOf = (labels: Readonly<Record<string, string>>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
