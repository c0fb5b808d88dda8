import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanRow } from '@sightline/model/rows';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { insertRows } from '@sightline/store/insert';
import { migrate } from '@sightline/store/migrate';
import { MIGRATIONS } from '@sightline/store/migrations';
import { EDGE_ORPHANS_TABLE, SERVICE_EDGES_TABLE } from '@sightline/store/schema/service-edges';
import { hex, spanMaker } from '@sightline/store/schema/span-fixture';
import { serviceMapEdges } from '../src/sql/service-map.ts';

/**
 * The service graph (migration 13) against counting from the spans: every parent/child pair,
 * when a trace's spans arrive in several inserts, children before parents, and a batch twice.
 */
const retention = { tracesDays: 0, logsDays: 0, metricsDays: 0 };
const DB = 'sl';
const MIN_MS = 60_000;
const BASE_MS = 1_714_560_000_000; // 2024-05-01T10:40:00Z, a whole minute
const span = spanMaker(BigInt(BASE_MS) * 1_000_000n);
const ms = (n: number) => BigInt(Math.round(n * 1e6));
const BREAKER = 'circuit_breaker.name';
let store: StoreClients;

/** Deterministic, so every run stores the same spans. */
function lcg(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1_103_515_245) + 12_345) >>> 0;
    return a / 4294967296;
  };
}

/**
 * Traces of gateway → api (three calls, each its own child of the root) → ledger (two calls from
 * each api span, and one api-internal child that is no edge), spread over six minutes, with a few
 * errors, breakers named on gateway's spans, and a child whose parent never arrives.
 */
function traces(): SpanRow[] {
  const rand = lcg(11);
  const out: SpanRow[] = [];
  for (let t = 0; t < 40; t++) {
    const trace = hex(0xe000 + t, 32);
    const at = t * 9_000 + Math.floor(rand() * 1_000); // ms after BASE: 0 … 6 min
    const root = span({
      trace,
      service: 'gateway',
      name: 'GET /',
      at: ms(at),
      dur: ms(300),
      attributes: t % 3 === 0 ? { [BREAKER]: 'api-breaker' } : {},
    });
    out.push(root);
    for (let i = 0; i < 3; i++) {
      const api = span({
        trace,
        parent: root.SpanId,
        service: 'api',
        name: 'handle',
        at: ms(at + 10 + i * 40),
        dur: ms(5 + Math.floor(rand() * 50)),
        status: rand() < 0.15 ? 'Error' : 'Unset',
      });
      out.push(api);
      out.push(
        span({
          trace,
          parent: api.SpanId,
          service: 'api',
          name: 'work',
          at: ms(at + 11),
          dur: ms(1),
        }),
      );
      for (let j = 0; j < 2; j++)
        out.push(
          span({
            trace,
            parent: api.SpanId,
            service: 'ledger',
            name: 'write',
            at: ms(at + 12 + i * 40 + j),
            dur: ms(1 + Math.floor(rand() * 9)),
            status: rand() < 0.1 ? 'Error' : 'Ok',
          }),
        );
    }
  }
  out.push(
    span({
      trace: hex(0xeeee, 32),
      parent: 'never',
      service: 'lost',
      name: 'x',
      at: ms(5_000),
      dur: ms(1),
    }),
  );
  return out;
}

function exactInclusive(values: number[], q: number): number {
  const x = [...values].sort((a, b) => a - b);
  const h = (x.length - 1) * q;
  const lo = Math.floor(h);
  return x[lo]! + (h - lo) * (x[Math.min(lo + 1, x.length - 1)]! - x[lo]!);
}

/** Every span in [fromMs, toMs) whose parent is another service's, per caller → callee. */
function countFromSpans(spans: readonly SpanRow[], fromMs: number, toMs: number) {
  const byId = new Map(spans.map((s) => [`${s.TraceId}/${s.SpanId}`, s]));
  const edges = new Map<
    string,
    { calls: number; errors: number; durations: number[]; breakers: Set<string> }
  >();
  for (const s of spans) {
    const parent = byId.get(`${s.TraceId}/${s.ParentSpanId}`);
    const startMs = Number(BigInt(s.Timestamp) / 1_000_000n);
    if (!parent || parent.ServiceName === s.ServiceName || startMs < fromMs || startMs >= toMs)
      continue;
    const key = `${parent.ServiceName} → ${s.ServiceName}`;
    const e = edges.get(key) ?? { calls: 0, errors: 0, durations: [], breakers: new Set() };
    e.calls++;
    if (s.StatusCode === 'Error') e.errors++;
    e.durations.push(Number(s.Duration) / 1e6);
    const breaker = parent.SpanAttributes[BREAKER];
    if (breaker) e.breakers.add(breaker);
    edges.set(key, e);
  }
  return [...edges]
    .map(([key, e]) => ({
      key,
      calls: e.calls,
      errors: e.errors,
      p95Ms: exactInclusive(e.durations, 0.95),
      breakers: [...e.breakers].sort(),
    }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

async function fromGraph(fromMs: number, toMs: number) {
  const { edges } = await serviceMapEdges(store.reader, DB, { fromMs, toMs }, 100);
  return edges
    .map((e) => ({
      key: `${e.caller} → ${e.callee}`,
      calls: e.calls,
      errors: e.errors,
      p95Ms: e.p95Ms,
      breakers: e.breakers.map((b) => b.name),
    }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

const RANGES: [string, number, number][] = [
  ['whole minutes', BASE_MS, BASE_MS + 6 * MIN_MS],
  ['partial first and last minute', BASE_MS + 17_500, BASE_MS + 4 * MIN_MS + 3_250],
  ['within one minute', BASE_MS + MIN_MS + 2_000, BASE_MS + MIN_MS + 40_000],
  ['one whole minute', BASE_MS + 2 * MIN_MS, BASE_MS + 3 * MIN_MS],
];

async function expectSameAsSpans(spans: readonly SpanRow[]) {
  for (const [name, from, to] of RANGES) {
    const want = countFromSpans(spans, from, to);
    expect(want.length, name).toBeGreaterThan(0);
    const got = await fromGraph(from, to);
    expect(
      got.map(({ p95Ms: _, ...e }) => e),
      name,
    ).toEqual(want.map(({ p95Ms: _, ...e }) => e));
    for (const [i, e] of got.entries())
      expect(e.p95Ms, `${name} ${e.key}`).toBeCloseTo(want[i]!.p95Ms, 6);
  }
}

const count = async (table: string) => {
  const rs = await store.reader.query({
    query: `SELECT count() AS n FROM ${DB}.${table}`,
    format: 'JSONEachRow',
  });
  return Number((await rs.json<{ n: string }>())[0]!.n);
};

beforeAll(() => {
  store = createStoreClients({ dataDir: mkdtempSync(join(tmpdir(), 'sl-graph-')), database: DB });
});
afterAll(async () => store.close());

describe('service graph', () => {
  const spans = traces();

  it('backfills the spans stored before the views, pairing across the whole table', async () => {
    await migrate(store.writer, DB, retention, {
      migrations: MIGRATIONS.filter((m) => m.version < 13),
    });
    const early = spans.filter((s) => BigInt(s.Timestamp) < BigInt(BASE_MS + MIN_MS) * 1_000_000n);
    await insertRows(store.writer, DB, 'spans', early.slice(0, 50), 'old:0');
    await insertRows(store.writer, DB, 'spans', early.slice(50), 'old:1');
    await migrate(store.writer, DB, retention);
    // Only the child whose parent never arrived waits as an orphan: the backfill sees every span.
    expect(await count(EDGE_ORPHANS_TABLE)).toBe(
      early.filter((s) => s.ServiceName === 'lost').length,
    );
    const want = countFromSpans(early, BASE_MS, BASE_MS + MIN_MS);
    expect((await fromGraph(BASE_MS, BASE_MS + MIN_MS)).map((e) => [e.key, e.calls])).toEqual(
      want.map((e) => [e.key, e.calls]),
    );
  });

  it('equals counting from the spans when traces arrive split, shuffled and twice', async () => {
    const stored = new Set(
      spans.filter((s) => BigInt(s.Timestamp) < BigInt(BASE_MS + MIN_MS) * 1_000_000n),
    );
    const rest = spans.filter((s) => !stored.has(s));
    const rand = lcg(5);
    for (let i = rest.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [rest[i], rest[j]] = [rest[j]!, rest[i]!];
    }
    const batches = [0, 1, 2, 3, 4].map((b) => rest.filter((_, i) => i % 5 === b));
    for (const [i, batch] of batches.entries())
      await insertRows(store.writer, DB, 'spans', batch, `new:${i}`);
    // A replayed batch (same deduplication token) adds nothing to the spans or the graph.
    await insertRows(store.writer, DB, 'spans', batches[2]!, 'new:2');
    // Both halves of the design at work: pairs counted at ingest, and children waiting for parents.
    expect(await count(SERVICE_EDGES_TABLE)).toBeGreaterThan(0);
    expect(await count(EDGE_ORPHANS_TABLE)).toBeGreaterThan(100);
    await expectSameAsSpans(spans);
    // The same once the engine merged the per-minute rows.
    await store.writer.command({ query: `OPTIMIZE TABLE ${DB}.${SERVICE_EDGES_TABLE} FINAL` });
    await expectSameAsSpans(spans);
  });
});
