import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanRow } from '@sightline/model/rows';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { insertRows } from '@sightline/store/insert';
import { migrate } from '@sightline/store/migrate';
import { MIGRATIONS } from '@sightline/store/migrations';
import { backfillRedHistogram, RED_HISTOGRAM_TABLE } from '@sightline/store/schema/red-histogram';
import { compileSearch } from '../search/compile-search.ts';
import { redStats, type RedEntry } from './red-stats.ts';

const retention = { tracesDays: 0, logsDays: 0, metricsDays: 0 };
const DB = 'sl';
let store: StoreClients;

beforeAll(() => {
  store = createStoreClients({ dataDir: mkdtempSync(join(tmpdir(), 'sl-redh-')), database: DB });
});
afterAll(async () => store.close());

const MIN = 60_000;
const HOUR = 60 * MIN;
const BASE_MS = Date.UTC(2026, 0, 1, 0, 0); // whole hour
// A 6 h range at 30 min steps: long enough to be answered from the histogram table.
const GRID = { fromMs: BASE_MS, toMs: BASE_MS + 6 * HOUR, stepMs: 30 * MIN, points: 12 };

let seq = 0;
const NESTED = ['Events.Timestamp', 'Events.Name', 'Events.Attributes'].concat(
  ['TraceId', 'SpanId', 'TraceState', 'Attributes'].map((c) => `Links.${c}`),
);
function span(service: string, atMs: number, durationNs: bigint, status = 'Unset'): SpanRow {
  seq++;
  const id = seq.toString(16);
  return {
    ...(Object.fromEntries(NESTED.map((c) => [c, []])) as unknown as SpanRow),
    Timestamp: (BigInt(atMs) * 1_000_000n + BigInt(seq % 1000)).toString(),
    TraceId: id.padStart(32, '0'),
    SpanId: id.padStart(16, '0'),
    ParentSpanId: '',
    TraceState: '',
    SpanName: 'GET /ä',
    SpanKind: 'Server',
    ServiceName: service,
    ResourceAttributes: {},
    ScopeName: '',
    ScopeVersion: '',
    SpanAttributes: {},
    Duration: durationNs.toString(),
    StatusCode: status,
    StatusMessage: '',
  };
}

/** quantileExactInclusive, which the exact path uses: linear between ranks ⌊h⌋ and ⌊h⌋ + 1. */
function exactInclusive(values: number[], q: number): number {
  const x = [...values].sort((a, b) => a - b);
  const h = (x.length - 1) * q;
  const lo = Math.floor(h);
  return x[lo]! + (h - lo) * (x[Math.min(lo + 1, x.length - 1)]! - x[lo]!);
}

const relative = (est: number, exact: number) =>
  exact === 0 ? Math.abs(est) : Math.abs(est - exact) / exact;

const stats = async (q?: string): Promise<RedEntry[]> =>
  (
    await redStats(store.reader, {
      database: DB,
      grid: GRID,
      by: 'service',
      limit: 100,
      search: q === undefined ? undefined : compileSearch(q, 'spans'),
    })
  ).entries;

const counts = async () => {
  const rs = await store.reader.query({
    query: `SELECT ServiceName AS s, sum(Requests) AS n, sum(arraySum(Latency.2)) AS b
      FROM ${DB}.${RED_HISTOGRAM_TABLE} GROUP BY s ORDER BY s`,
    format: 'JSONEachRow',
  });
  return rs.json<{ s: string; n: string; b: string }>();
};

// Durations (ns) of each data set, spread over the range, one service each.
const rand = (() => {
  let x = 12345;
  return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
})();
const SETS: Record<string, bigint[]> = {
  uniform: Array.from({ length: 3000 }, () => BigInt(1_000_000 + Math.floor(rand() * 999_000_000))),
  lognormal: Array.from({ length: 3000 }, () => {
    const z = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    return BigInt(Math.max(1, Math.round(Math.exp(16 + 1.5 * z))));
  }),
  'two-far-apart': [
    ...Array<bigint>(90).fill(2_000_000n),
    ...Array<bigint>(10).fill(9_000_000_000n),
  ],
  'zeros-and-ones': [0n, 0n, 0n, 1n, 1n, 2n, 3n, 1_000n],
  'one-hour-and-more': [3_600_000_000_000n, 7_200_000_000_000n, 2n ** 62n],
};

describe('the per-minute RED histogram table', () => {
  it('backfills the spans stored before it, once', async () => {
    await migrate(store.writer, DB, retention, {
      migrations: MIGRATIONS.filter((m) => m.version < 14),
    });
    const old = [span('früh', BASE_MS + 10, 5_000_000n), span('früh', BASE_MS + 20, 7n, 'Error')];
    await insertRows(store.writer, DB, 'spans', old, 'old:0-1');
    await migrate(store.writer, DB, retention);
    // As if the migration were cut short after the backfill and run again.
    await store.writer.command({
      query: backfillRedHistogram({ database: DB, textIndex: true, retention }),
    });
    expect(await counts()).toEqual([{ s: 'früh', n: '2', b: '2' }]);
    const [entry] = await stats();
    expect(entry).toMatchObject({ name: 'früh', requests: 2, errors: 1 });
  });

  it('counts a replayed insert once, as the spans table does', async () => {
    const batch = Array.from({ length: 50 }, (_, i) => span('replayed', BASE_MS + i * MIN, 1_000n));
    await insertRows(store.writer, DB, 'spans', batch.slice(0, 30), 'p0:0-29');
    await insertRows(store.writer, DB, 'spans', batch.slice(30), 'p0:30-49');
    await insertRows(store.writer, DB, 'spans', batch.slice(0, 30), 'p0:0-29');
    const rs = await store.reader.query({
      query: `SELECT count() AS n FROM ${DB}.otel_traces WHERE ServiceName = 'replayed'`,
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ n: '50' }]);
    expect((await counts()).find((c) => c.s === 'replayed')).toEqual({
      s: 'replayed',
      n: '50',
      b: '50',
    });
  });

  it('gives p50/p95/p99 within 4.5 % of the exact values, and exact counts', async () => {
    for (const [name, durations] of Object.entries(SETS)) {
      const rows = durations.map((d, i) =>
        span(
          name,
          BASE_MS + Math.floor((i * 6 * HOUR) / durations.length),
          d,
          i % 7 ? 'Unset' : 'Error',
        ),
      );
      // Several inserts, so that rows of one key arrive apart and are summed when read. Each has
      // its own token, as ingest gives them (a token-less insert after a tokened one on a chDB
      // session is taken for a replay of it).
      for (let i = 0; i < rows.length; i += 700) {
        await insertRows(store.writer, DB, 'spans', rows.slice(i, i + 700), `${name}:${i}`);
      }
    }
    const entries = await stats();
    for (const [name, durations] of Object.entries(SETS)) {
      const e = entries.find((x) => x.name === name)!;
      const ns = durations.map(Number);
      expect(e.requests).toBe(ns.length);
      expect(e.errors).toBe(ns.filter((_, i) => i % 7 === 0).length);
      for (const [q, got] of [
        [0.5, e.p50Ms],
        [0.95, e.p95Ms],
        [0.99, e.p99Ms],
      ] as const) {
        const err = relative(got! * 1e6, exactInclusive(ns, q));
        expect(err, `${name} p${q * 100}`).toBeLessThan(0.045);
      }
      // Each step's request count is exact too.
      const sum = e.series.rate.reduce((n, [, r]) => n + (r ?? 0) * (GRID.stepMs / 1000), 0);
      expect(sum).toBeCloseTo(ns.length, 6);
    }
    // Read from the histogram, not from t-digests (which are exact for a lone span): the lone
    // error span of 7 ns reads as its bucket's geometric middle, 2^((k − ½)/16) ns.
    const single = (await stats('service:früh AND status:error'))[0]!;
    expect(single.requests).toBe(1);
    const k = 1 + Math.floor(16 * Math.log2(7));
    expect(single.p50Ms! * 1e6).toBeCloseTo(2 ** ((k - 0.5) / 16), 9);
    expect(single.p50Ms! * 1e6).not.toBeCloseTo(7, 3);
  });

  it('filters by service, operation, kind and status from the table; other searches from the spans', async () => {
    const byStatus = await stats('status:error');
    expect(byStatus.find((x) => x.name === 'uniform')!.requests).toBe(
      SETS.uniform!.filter((_, i) => i % 7 === 0).length,
    );
    expect((await stats('service:replayed')).map((x) => [x.name, x.requests])).toEqual([
      ['replayed', 50],
    ]);
    // A duration filter is not something the table keeps: answered from the spans, still exact counts.
    const slow = await stats('service:uniform AND duration:>=500ms');
    expect(slow[0]!.requests).toBe(SETS.uniform!.filter((d) => d >= 500_000_000n).length);
    expect(slow[0]!.p50Ms!).toBeGreaterThanOrEqual(500);
  });
});
