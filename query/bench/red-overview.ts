/**
 * The every-service RED overview of the last 24 h, as its three possible sources answer it, in one
 * run and alternated: exact from the spans, t-digests of the `red_1m` projection (what the API
 * served before store migration 14), and the per-minute histogram table (what it serves now).
 * Counts alone from the histogram table are the floor: what any answer with percentiles costs at
 * least. Percentiles of each are compared with the exact ones.
 */
import type { StoreClients } from '@sightline/store/client-factory';
import { ident } from '@sightline/store/schema/ddl-context';
import { RED_HISTOGRAM_TABLE } from '@sightline/store/schema/red-histogram';
import { TRACES_TABLE } from '@sightline/store/schema/traces';
import { Params } from '../src/sql/metrics-keys.ts';
import {
  entrySpansSql,
  redHistogramSql,
  redRollupSql,
  redSql,
  spanRangeSql,
  type RedRow,
} from '../src/sql/red-stats.ts';
import { quantile, time } from './bench-measure.ts';
import { DB } from './bench-store.ts';

const POINTS = 60; // the overview's sparkline points

export async function compareRedOverview(store: StoreClients, nowMs: number, runs: number) {
  const db = ident(DB);
  const toMs = Math.floor(nowMs / 60_000) * 60_000;
  const grid = { fromMs: toMs - 86_400_000, toMs, stepMs: 86_400_000 / POINTS, points: POINTS };
  const build = (kind: 'exact' | 'tdigest' | 'histogram' | 'counts') => {
    const p = new Params('r');
    const table = kind === 'histogram' || kind === 'counts' ? RED_HISTOGRAM_TABLE : TRACES_TABLE;
    const range =
      table === RED_HISTOGRAM_TABLE
        ? spanRangeSql(grid, undefined, p, true, 'Minute')
        : spanRangeSql(grid, undefined, p, kind === 'tdigest');
    const where = `${range} AND ${entrySpansSql(db, range, table)}`;
    if (kind === 'counts') {
      return {
        query: `SELECT ServiceName AS name, sum(Requests) AS requests FROM ${db}.${table}
          WHERE ${where} GROUP BY name`,
        query_params: p.values,
      };
    }
    const fn = { exact: redSql, tdigest: redRollupSql, histogram: redHistogramSql }[kind];
    return fn(db, 'ServiceName', where, grid, 200, p);
  };
  const run = async (kind: Parameters<typeof build>[0]) => {
    const rs = await store.reader.query({ ...build(kind), format: 'JSONEachRow' });
    return rs.json<RedRow>();
  };
  const totals = (rows: RedRow[]) =>
    new Map(rows.filter((r) => r.step === 0).map((r) => [r.name, r]));
  const exact = totals(await run('exact'));
  const worst = (rows: RedRow[]) => {
    let max = 0;
    for (const [name, r] of totals(rows)) {
      const e = exact.get(name);
      if (!e || e.requests !== r.requests) return 'counts differ';
      for (let i = 0; i < 3; i++) {
        max = Math.max(max, Math.abs(r.q[i]! - e.q[i]!) / e.q[i]!);
      }
    }
    return `${(max * 100).toFixed(2)} %`;
  };
  const kinds = ['exact', 'tdigest', 'histogram', 'counts'] as const;
  const times = new Map<string, number[]>(kinds.map((k) => [k, []]));
  const errors = new Map<string, string>();
  for (const k of kinds) if (k !== 'counts') errors.set(k, worst(await run(k)));
  for (let i = 0; i < runs; i++) {
    for (const k of kinds)
      times.get(k)!.push(await time(async () => String((await run(k)).length)));
  }
  const label = {
    exact: 'exact, every span (quantileExactInclusive)',
    tdigest: 't-digests of the red_1m projection (before)',
    histogram: 'per-minute histogram table (after)',
    counts: 'counts only, histogram table (floor: no percentiles)',
  };
  const base = quantile(times.get('tdigest')!, 0.5);
  console.log(`\nRED for every service, last 24 h at ${POINTS} points, ${runs} runs alternated\n`);
  console.log('| source | p50 ms | p95 ms | before/this (p50) | worst p50/p95/p99 error |');
  console.log('|---|---:|---:|---:|---:|');
  for (const k of kinds) {
    const t = times.get(k)!;
    const p50 = quantile(t, 0.5);
    console.log(
      `| ${label[k]} | ${p50.toFixed(0)} | ${quantile(t, 0.95).toFixed(0)} | ${(base / p50).toFixed(2)} | ${errors.get(k) ?? '–'} |`,
    );
  }
}
