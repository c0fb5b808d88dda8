import { describe, expect, it } from 'vitest';
import type { LogCountQuery } from '@sightline/model/api/alerts';
import { evaluateQuery, type QueryResult } from '../src/alerts/evaluate-query.ts';
import { evaluateInstants, type Instants } from '../src/alerts/evaluate-series.ts';
import { MIN, ns, send, windowOf, type LogSpec } from './logs-fixtures.ts';
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

useSightline(() => send(rows));

const plain = (r: QueryResult) => Object.fromEntries([...r.groups].map(([k, g]) => [k, g.value]));

async function compare(query: LogCountQuery, groupBy: string[], windowMs: number) {
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
