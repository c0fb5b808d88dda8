import { describe, expect, it } from 'vitest';
import type { AlertQuery } from '@sightline/model/api/alerts';
import { evaluateQuery, type QueryResult } from '../src/alerts/evaluate-query.ts';
import { evaluateInstants } from '../src/alerts/evaluate-series.ts';
import type { Instants } from '../src/alerts/instants.ts';
import { MIN, ns, send, windowOf, type LogSpec } from './logs-fixtures.ts';
import { newSpanId, newTraceId, sendSpans, type TestSpan } from './traces-fixtures.ts';
import { sightline, useSightline } from './use-sightline.ts';

/**
 * The alert preview (the rule page's history chart) evaluates a log rule at every instant in one
 * scan; each instant's answer must be what evaluating that instant alone gives, rows on window
 * edges included.
 */
const { from } = windowOf(5);
const at: Instants = { fromMs: from + 2 * MIN + 7, stepMs: 30_000, count: 14 };
const edge = (i: number) => at.fromMs + i * at.stepMs;

const rows: LogSpec[] = [
  // On instant 3's end (excluded there), on instant 3's window start (included), 1 ns before it.
  { ts: ns(edge(3)), body: 'edge end', service: 'edge-a', sev: 17 },
  { ts: ns(edge(3) - 90_000), body: 'edge start', service: 'edge-a', sev: 17 },
  { ts: ns(edge(3) - 90_000) - 1n, body: 'just before', service: 'edge-b', sev: 17 },
  // Before the first window, after the last instant: in no window.
  { ts: ns(at.fromMs - 90_000 - 1), body: 'too early', service: 'edge-a', sev: 17 },
  { ts: ns(edge(13)), body: 'too late', service: 'edge-a', sev: 17 },
  // Non-ASCII service names and a spread of times.
  ...Array.from({ length: 40 }, (_, k) => ({
    ts: ns(from + 10_000 + k * 17_321, 123n),
    body: `spread ${k}`,
    service: k % 3 === 0 ? 'zahlungsdienst-ü' : 'edge-b',
    sev: k % 4 === 0 ? 9 : 17,
  })),
];

// Spans: a service with server spans (only those count), one with internal spans only (all count),
// errors, one on instant 5's end and one on its window start, durations that differ per span.
const span = (service: string, name: string, endMs: number, kind: number, k: number): TestSpan => ({
  traceId: newTraceId(),
  spanId: newSpanId(),
  service,
  name,
  start: ns(endMs) - BigInt(5 + k) * 1_000_000n,
  end: ns(endMs),
  kind,
  status: k % 5 === 0 ? 2 : 0,
});
const spans: TestSpan[] = [
  ...Array.from({ length: 60 }, (_, k) =>
    span('shop-ü', k % 2 ? 'GET /cart' : 'POST /pay', from + 5_000 + k * 8_111, k % 3 ? 2 : 1, k),
  ),
  ...Array.from({ length: 20 }, (_, k) =>
    span('batch', 'nightly', from + 9_000 + k * 23_000, 1, k),
  ),
  span('shop-ü', 'POST /pay', edge(5) - 60_000, 2, 1),
  span('shop-ü', 'POST /pay', edge(5), 2, 1),
];

useSightline(async () => {
  await send(rows);
  await sendSpans(spans);
});

const plain = (r: QueryResult) => Object.fromEntries([...r.groups].map(([k, g]) => [k, g.value]));

async function compare(query: AlertQuery, groupBy: string[], windowMs: number) {
  const s = sightline().store;
  const target = { client: s.reader, database: s.database };
  const batched = await evaluateInstants(target, query, groupBy, windowMs, at);
  expect(batched).toHaveLength(at.count);
  for (let i = 0; i < at.count; i++) {
    const one = await evaluateQuery(target, query, groupBy, windowMs, edge(i));
    expect({ i, groups: plain(batched[i]!) }).toEqual({ i, groups: plain(one) });
    expect(batched[i]!.absent).toBe(one.absent);
  }
  return batched.map(plain);
}

describe('a log rule evaluated at many instants in one scan', () => {
  it('counts per group what each instant alone counts, windows longer than the step', async () => {
    const counts = await compare({ kind: 'log_count', q: 'level:error' }, ['service'], 90_000);
    // Instant 3: the row on its window start counts, the row on its end does not.
    expect(counts[3]!['service=edge-a']).toBe(1);
    expect(counts.some((c) => (c['service=zahlungsdienst-ü'] ?? 0) > 0)).toBe(true);
  });

  it('is the same without group-by (0, not nothing, where no row is) and with a short window', async () => {
    const counts = await compare({ kind: 'log_count', q: '"edge"' }, [], 20_000);
    expect(counts.every((c) => typeof c[''] === 'number')).toBe(true);
    expect(counts[0]).toEqual({ '': 0 });
    await compare({ kind: 'log_count', q: '' }, ['level'], 30_000);
  });
});

describe('a RED rule evaluated at many instants in one scan', () => {
  it('gives each instant what redStats gives for its window: rate, error rate, percentiles', async () => {
    const service = 'shop-ü';
    const rate = await compare({ kind: 'trace_red', measure: 'rate' }, ['service'], 60_000);
    expect(rate.some((c) => (c['service=batch'] ?? 0) > 0)).toBe(true);
    await compare({ kind: 'trace_red', measure: 'error_rate' }, [], 90_000);
    const p99 = { kind: 'trace_red', measure: 'latency', percentile: 'p99', service } as const;
    const latency = await compare(p99, ['operation'], 60_000);
    expect(latency.some((c) => c['operation=POST /pay'] !== undefined)).toBe(true);
    await compare({ ...p99, percentile: 'p50', operation: 'GET /cart' }, [], 45_000);
  });
});
