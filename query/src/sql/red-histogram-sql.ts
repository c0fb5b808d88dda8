import type { ClickHouseClient } from '@clickhouse/client';
import { BUCKETS_PER_DOUBLING, RED_HISTOGRAM_TABLE } from '@sightline/store/schema/red-histogram';
import type { CompiledSearch } from '../search/compile.ts';

/**
 * The duration (ns) of the span of 0-based rank `rank` in the merged histogram (`lat_k` bucket keys
 * ascending, `lat_c` their counts, `lat_cum` the running sum of `lat_c`): the `cnt` spans of its
 * bucket [lo, lo·g) are taken to lie at lo·g^((j + ½)/cnt), evenly apart on the log scale, so a
 * lone span reads as the bucket's geometric middle. The true value lies in the same bucket, so the
 * estimate is off by less than one bucket's growth g = 2^(1/16): under 4.5 %, under 2.2 % for a
 * lone span.
 */
function rankValueSql(rank: string): string {
  const i = `arrayFirstIndex(x -> x > ${rank}, lat_cum)`;
  return `if(lat_k[${i}] = 0, 0, pow(2, (lat_k[${i}] - 1
      + (${rank} - (lat_cum[${i}] - lat_c[${i}]) + 0.5) / lat_c[${i}]) / ${BUCKETS_PER_DOUBLING}))`;
}

/**
 * Select-list items that merge the `Latency` histograms of a group and end in `q`: its p50, p95 and
 * p99 (ns), by the definition the exact path uses (quantileExactInclusive: rank h = (n − 1)·q,
 * linear between the spans of ranks ⌊h⌋ and ⌊h⌋ + 1), each span's duration estimated by
 * rankValueSql. An interpolation between two estimates that are each within 4.5 % is within 4.5 %.
 */
export const HISTOGRAM_QUANTILES = `sumMap(Latency) AS lat, lat.1 AS lat_k, lat.2 AS lat_c,
    arrayCumSum(lat_c) AS lat_cum, arraySum(lat_c) AS lat_n,
    arrayMap(h -> ${rankValueSql('toUInt64(floor(h))')} + (h - floor(h)) * (
        ${rankValueSql('least(toUInt64(floor(h)) + 1, lat_n - 1)')}
        - ${rankValueSql('toUInt64(floor(h))')}),
      [(lat_n - 1) * 0.5, (lat_n - 1) * 0.95, (lat_n - 1) * 0.99]) AS q`;

/** The span columns a row of the histogram table keeps, besides its minute. */
const KEPT_COLUMNS = new Set(['ServiceName', 'SpanName', 'SpanKind', 'StatusCode']);
const SQL_WORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE']);

/**
 * Whether a compiled span search (query/src/search/compile.ts) names only columns the histogram
 * table keeps (service, operation, kind, status), so the table answers it as the spans would.
 */
export function servedByHistogram(search: CompiledSearch | undefined): boolean {
  if (search === undefined) return true;
  const words = search.sql.replace(/\{\w+:\w+\}/g, ' ').match(/[A-Za-z_][\w.]*|'|`|"|\d/g) ?? [];
  return words.every((w) => KEPT_COLUMNS.has(w) || SQL_WORDS.has(w));
}

/** Per client and database: the first minute (ms) from which the table holds every span. */
const coverage = new WeakMap<ClickHouseClient, Map<string, number>>();

/**
 * The time (ms) from which the histogram table holds every span stored: −Infinity on a single
 * server (migration 14 filled it from the spans already stored), and in a cluster the minute after
 * the view's first (the spans stored before it were not backfilled). Asked once per process.
 */
export async function histogramCoversFrom(client: ClickHouseClient, db: string): Promise<number> {
  const known = coverage.get(client)?.get(db);
  if (known !== undefined) return known;
  const rs = await client.query({
    query: `SELECT (SELECT toUnixTimestamp(min(Minute)) FROM ${db}.${RED_HISTOGRAM_TABLE}) AS h,
        (SELECT count() FROM ${db}.${RED_HISTOGRAM_TABLE}) AS hn,
        (SELECT toUnixTimestamp(toStartOfMinute(min(Timestamp))) FROM ${db}.otel_traces) AS s,
        (SELECT count() FROM ${db}.otel_traces) AS sn`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ h: number; hn: string; s: number; sn: string }>();
  if (row === undefined) return Infinity;
  // Spans stored but no histogram yet (a cluster's view has seen none): ask again next time.
  if (Number(row.hn) === 0 && Number(row.sn) > 0) return Infinity;
  const from = Number(row.sn) === 0 || row.h <= row.s ? -Infinity : (row.h + 60) * 1000;
  const byDb = coverage.get(client) ?? new Map<string, number>();
  byDb.set(db, from);
  coverage.set(client, byDb);
  return from;
}
