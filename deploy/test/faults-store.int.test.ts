import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { loadRequest, storedPerRequestSql, type LoadSignal } from './fuzz/load.ts';
import { select, startTestSightline, testConfig } from './harness.ts';

/*
 * Faults are made inside the real embedded engine, not by mocking the insert function: the
 * outage DETACHes the tables the writer inserts into (every insert then fails in ClickHouse, as
 * when a server is down or a table is being repaired), and the slow store hangs a materialized
 * view that sleeps on every inserted block off the tables (each insert then takes a second longer
 * inside the engine). The whole receive → group commit → insert path runs unchanged.
 */

const QUEUE_MAX_ROWS = 1_000;
const OUTAGE_MS = 60_000;
const ITEMS = 50;

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline(testConfig({ SIGHTLINE_QUEUE_MAX_ROWS: String(QUEUE_MAX_ROWS) }));
}, 120_000);
afterAll(async () => s.close(), 120_000);

interface Answer {
  /** When this request's first attempt went out (a retry keeps it). */
  readonly firstSentAt: number;
  readonly sentAt: number;
  readonly at: number;
  readonly status: number;
  readonly retryAfter: number | null;
}

/** One OTLP exporter: sends requests one after another, each retried per Retry-After until 200. */
async function exporter(
  signal: LoadSignal,
  service: string,
  nextNo: () => number,
  keepGoing: () => boolean,
  answers: Answer[],
  acked: number[],
): Promise<void> {
  while (keepGoing()) {
    const no = nextNo();
    const body = loadRequest(signal, service, no, ITEMS);
    const firstSentAt = Date.now();
    for (;;) {
      const sentAt = Date.now();
      const res = await fetch(`${s.otlpUrl}/v1/${signal}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      const ra = res.headers.get('retry-after');
      answers.push({
        firstSentAt,
        sentAt,
        at: Date.now(),
        status: res.status,
        retryAfter: ra === null ? null : Number(ra),
      });
      if (res.status === 200) {
        acked.push(no);
        break;
      }
      if (res.status !== 429 && res.status !== 503) return; // asserted on below
      await new Promise((r) => setTimeout(r, (Number(ra) || 1) * 1000));
    }
  }
}

async function expectStoredOnce(service: string, acked: number[]): Promise<void> {
  const stored = new Map<number, { n: string; distinct: string }>();
  for (const signal of ['traces', 'logs'] as const) {
    for (const r of await select<{ req: string; n: string; distinct: string }>(
      s,
      storedPerRequestSql(signal),
      { service },
    )) {
      stored.set(Number(r.req), r);
    }
  }
  const lost = acked.filter((no) => stored.get(no)?.distinct !== String(ITEMS));
  const duplicated = [...stored].filter(([, r]) => r.n !== r.distinct).map(([no]) => no);
  expect({ lost, duplicated, storedRequests: stored.size }).toEqual({
    lost: [],
    duplicated: [],
    storedRequests: acked.length,
  });
}

describe('store faults', () => {
  it('answers 503 with Retry-After through a 60 s store outage, then recovers and stores every item once', async () => {
    const service = 'outage-60s';
    const answers: Answer[] = [];
    const acked: number[] = [];
    let no = 0;
    let phase: 'before' | 'down' | 'after' | 'stop' = 'before';
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(
      () => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)),
      200,
    );
    const load = Promise.all(
      Array.from({ length: 6 }, (_, k) =>
        exporter(
          k % 2 === 0 ? 'traces' : 'logs',
          service,
          () => ++no,
          () => phase !== 'stop',
          answers,
          acked,
        ),
      ),
    );
    await new Promise((r) => setTimeout(r, 3_000));
    const ackedBefore = acked.length;
    await s.store.writer.command({ query: 'DETACH TABLE sightline.otel_traces' });
    await s.store.writer.command({ query: 'DETACH TABLE sightline.otel_logs' });
    const downAt = Date.now();
    phase = 'down';
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await s.store.writer.command({ query: 'ATTACH TABLE sightline.otel_traces' });
    await s.store.writer.command({ query: 'ATTACH TABLE sightline.otel_logs' });
    const upAt = Date.now();
    phase = 'after';
    await new Promise((r) => setTimeout(r, 10_000));
    phase = 'stop';
    await load;
    clearInterval(sampler);

    // Answered while both tables were gone. Exporters retry their current request until it is
    // acknowledged, so most of these are retries of requests first sent before the outage; a
    // retry may rightly get 200 then (when its rows reached one table before the other went away,
    // the writer remembers that part as stored), but nothing first sent during the outage may.
    const duringOutage = answers.filter((a) => a.at > downAt && a.at < upAt);
    const firstOkAfter = answers.find((a) => a.at >= upAt && a.status === 200);
    const statuses = new Map<number, number>();
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    console.log(
      `60 s outage: answers ${JSON.stringify(Object.fromEntries(statuses))}, acknowledged requests ${ackedBefore} before, ${acked.length} in all; ` +
        `first 200 ${firstOkAfter ? firstOkAfter.at - upAt : 'never'} ms after the store came back; ` +
        `RSS before ${(rssBefore / 2 ** 20).toFixed(0)} MiB, peak ${(rssPeak / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(ackedBefore).toBeGreaterThan(0);
    expect([...statuses.keys()].filter((st) => ![200, 429, 503].includes(st))).toEqual([]);
    expect(duringOutage.length).toBeGreaterThan(20);
    expect(duringOutage.filter((a) => a.status === 200 && a.firstSentAt > downAt)).toEqual([]);
    const refusals = duringOutage.filter((a) => a.status !== 200);
    expect(refusals.length).toBeGreaterThan(20);
    expect(refusals.every((a) => a.status === 503 && (a.retryAfter ?? 0) >= 1)).toBe(true);
    expect(firstOkAfter).toBeDefined();
    expect(firstOkAfter!.at - upAt).toBeLessThan(30_000);
    expect(acked.length).toBeGreaterThan(ackedBefore);
    expect((rssPeak - rssBefore) / 2 ** 20).toBeLessThan(300);
    await expectStoredOnce(service, acked);
  }, 300_000);

  it('under overload of a slow store answers 429/503 and keeps the queue within its cap, losing nothing', async () => {
    const service = 'slow-store';
    // Every insert into these tables now waits a second inside the engine.
    await s.store.writer.command({
      query: 'CREATE TABLE IF NOT EXISTS sightline.fault_sink (x UInt8) ENGINE = Null',
    });
    for (const t of ['otel_traces', 'otel_logs']) {
      await s.store.writer.command({
        query: `CREATE MATERIALIZED VIEW sightline.fault_slow_${t} TO sightline.fault_sink AS SELECT sleep(1) AS x FROM sightline.${t}`,
      });
    }
    const answers: Answer[] = [];
    const acked: number[] = [];
    let no = 0;
    let stop = false;
    let maxQueued = 0;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      maxQueued = Math.max(maxQueued, s.writer.stats.queuedRows);
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 5);
    try {
      // 40 exporters of 50 items each offer 2,000 rows at a time against ~1 insert/s per table:
      // far more than the store takes, so the queue fills and the rest must be refused.
      const load = Promise.all(
        Array.from({ length: 40 }, (_, k) =>
          exporter(
            k % 2 === 0 ? 'traces' : 'logs',
            service,
            () => ++no,
            () => !stop,
            answers,
            acked,
          ),
        ),
      );
      await new Promise((r) => setTimeout(r, 20_000));
      stop = true;
      await load;
    } finally {
      clearInterval(sampler);
      for (const t of ['otel_traces', 'otel_logs']) {
        await s.store.writer.command({ query: `DROP VIEW IF EXISTS sightline.fault_slow_${t}` });
      }
    }
    const statuses = new Map<number, number>();
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    console.log(
      `slow store: answers ${JSON.stringify(Object.fromEntries(statuses))}, ${s.writer.stats.inserts} inserts in all, queue peak ${maxQueued} rows (cap ${QUEUE_MAX_ROWS}), ` +
        `RSS before ${(rssBefore / 2 ** 20).toFixed(0)} MiB, peak ${(rssPeak / 2 ** 20).toFixed(0)} MiB`,
    );
    expect([...statuses.keys()].filter((st) => ![200, 429, 503].includes(st))).toEqual([]);
    expect((statuses.get(429) ?? 0) + (statuses.get(503) ?? 0)).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status !== 200).every((a) => (a.retryAfter ?? 0) >= 1)).toBe(
      true,
    );
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(maxQueued).toBeGreaterThan(0);
    expect(maxQueued).toBeLessThanOrEqual(QUEUE_MAX_ROWS);
    expect((rssPeak - rssBefore) / 2 ** 20).toBeLessThan(300);
    await expectStoredOnce(service, acked);
  }, 300_000);
});
