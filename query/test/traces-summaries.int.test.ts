import { describe, expect, it } from 'vitest';
import type { TraceSummary } from '@sightline/model/api/traces';
import {
  MS,
  SEC,
  isoOf,
  newSpanId,
  newTraceId,
  search,
  sendSpans,
  slot,
  type TestSpan,
} from './traces-fixtures.ts';
import { sightline, useSightline } from './use-sightline.ts';

/**
 * Trace search answers from the trace summaries what reading every span gives: random traces sent
 * in split and shuffled batches (replays: see store's trace-summaries test), searched with each kind of filter, compared with a
 * reference query over the spans (the semantics the search had before the summaries).
 */
useSightline();

// A small deterministic generator (mulberry32), so a failure can be reproduced.
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = ['sum-gw', 'sum-cart', 'sum-pay', 'sum-ü'];
const OPS = ['GET /', 'charge', 'query ✓', ''];

function randomTraces(rand: () => number, count: number, from: bigint, span: bigint): TestSpan[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: TestSpan[] = [];
  for (let i = 0; i < count; i++) {
    const traceId = newTraceId();
    const t0 = from + BigInt(Math.floor(rand() * Number(span / MS))) * MS;
    const root: TestSpan = {
      traceId,
      spanId: newSpanId(),
      service: pick(SERVICES),
      name: pick(OPS),
      start: t0,
      end: t0 + BigInt(Math.floor(rand() * 2000)) * MS,
      status: pick([0, 0, 1, 2] as const),
    };
    // Some traces lose their root: the search must fall back to their first span.
    if (rand() > 0.15) out.push(root);
    const children = 1 + Math.floor(rand() * 6);
    for (let c = 0; c < children; c++) {
      // Children up to 30 s after the root: some cross the edges of the searched range.
      const start = t0 + BigInt(Math.floor(rand() * 30_000)) * MS;
      out.push({
        traceId,
        spanId: newSpanId(),
        parent: root.spanId,
        service: pick(SERVICES),
        name: pick(OPS),
        start,
        end: start + BigInt(Math.floor(rand() * 3000)) * MS,
        status: pick([0, 0, 0, 1, 2] as const),
        attrs: { tier: pick(['gold', 'free']) },
      });
    }
  }
  return out;
}

/** The span-based reference: one matching span inside the range, the summary over all spans. */
async function reference(
  where: string,
  params: Record<string, string>,
  from: bigint,
  to: bigint,
  having = '1',
): Promise<TraceSummary[]> {
  const { store } = sightline();
  const rs = await store.reader.query({
    query: `WITH matched AS (
        SELECT DISTINCT TraceId FROM ${store.database}.otel_traces
        WHERE Timestamp >= fromUnixTimestamp64Nano({from:Int64})
          AND Timestamp < fromUnixTimestamp64Nano({to:Int64}) AND (${where}))
      SELECT TraceId AS traceId,
        min(toUnixTimestamp64Nano(Timestamp)) AS startNs,
        max(toUnixTimestamp64Nano(Timestamp) + toInt64(Duration)) - startNs AS durationNs,
        count() AS spanCount, arraySort(groupUniqArray(ServiceName)) AS services,
        countIf(StatusCode = 'Error') AS errorCount, countIf(ParentSpanId = '') AS roots,
        if(roots > 0, minIf((Timestamp, ServiceName, SpanName), ParentSpanId = ''),
          min((Timestamp, ServiceName, SpanName))) AS root
      FROM ${store.database}.otel_traces WHERE TraceId IN matched
      GROUP BY TraceId HAVING ${having} ORDER BY startNs DESC, traceId DESC`,
    query_params: { ...params, from, to },
    format: 'JSONEachRow',
  });
  type Row = Omit<TraceSummary, 'startTimeUnixNano' | 'durationNano'> & {
    startNs: string;
    durationNs: string;
    roots: string;
    root: [string, string, string];
  };
  return (await rs.json<Row>()).map((r) => ({
    traceId: r.traceId,
    rootServiceName: r.root[1],
    rootName: r.root[2],
    rootSpanMissing: Number(r.roots) === 0,
    startTimeUnixNano: r.startNs,
    durationNano: r.durationNs,
    spanCount: Number(r.spanCount),
    services: r.services,
    errorCount: Number(r.errorCount),
  }));
}

describe('trace search from the summaries', () => {
  it('gives what the spans give, for every kind of filter, with traces split over shuffled batches', async () => {
    const rand = prng(25);
    const from = slot(40);
    const to = slot(41);
    // Traces start from 40 s before the range to 20 s after it.
    const spans = randomTraces(rand, 120, from - 40n * SEC, 120n * SEC);
    const shuffled = spans
      .map((s) => ({ s, k: rand() }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.s);
    for (let i = 0; i < shuffled.length; i += 37) await sendSpans(shuffled.slice(i, i + 37));

    const range = { from: isoOf(from), to: isoOf(to), limit: 1000 };
    const cases: [Record<string, string | number>, string, Record<string, string>, string?][] = [
      [{}, "TraceId != ''", {}],
      [{ service: 'sum-pay' }, 'ServiceName = {s:String}', { s: 'sum-pay' }],
      [
        { service: 'sum-ü', operation: 'charge' },
        "ServiceName = 'sum-ü' AND SpanName = 'charge'",
        {},
      ],
      [{ operation: 'query ✓' }, "SpanName = 'query ✓'", {}],
      [{ status: 'error' }, "StatusCode = 'Error'", {}],
      [{ service: 'sum-gw', status: 'ok' }, "ServiceName = 'sum-gw' AND StatusCode = 'Ok'", {}],
      [{ minDuration: '20s' }, "TraceId != ''", {}, `durationNs >= ${20n * SEC}`],
      [
        { service: 'sum-cart', maxDuration: '10s' },
        "ServiceName = 'sum-cart'",
        {},
        `durationNs <= ${10n * SEC}`,
      ],
      [
        { q: 'tier:gold', service: 'sum-pay' },
        "ServiceName = 'sum-pay' AND SpanAttributes['tier'] = 'gold'",
        {},
      ],
    ];
    for (const [q, where, params, having] of cases) {
      const want = await reference(where, params, from, to, having);
      const got = await search({ ...range, ...q });
      expect(got.traces, JSON.stringify(q)).toEqual(want);
      expect(want.length, JSON.stringify(q)).toBeGreaterThan(0);
    }
    // Paging through the summaries walks the same list.
    const want = await reference("ServiceName = 'sum-cart'", {}, from, to);
    const paged: TraceSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await search({ ...range, service: 'sum-cart', limit: 7, cursor });
      paged.push(...page.traces);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && paged.length <= want.length);
    expect(paged).toEqual(want);
  });
});
