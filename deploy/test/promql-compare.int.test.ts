import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateInstant, evaluateRange } from '@sightline/query/promql/evaluate';
import { PromQLError } from '@sightline/query/promql/errors';
import { parseValue } from './prom-samples.ts';
import { CASES, type PromQLCase } from './promql-cases.ts';
import { startPromQLHarness, type PromQLHarness } from './promql-harness.ts';

/**
 * Every case of promql-cases.ts asked of the Debian Prometheus and of Sightline, on the samples
 * Prometheus scraped and remote-wrote to Sightline: the same result type, the same label sets,
 * the same timestamps, values equal within 0.1 % (NaN matches NaN, infinities themselves).
 */
let h: PromQLHarness;
const STEP_MS = 5_000;
const RANGE_MS = 40_000;
let endMs = 0;

interface Answer {
  resultType?: string;
  result?: unknown;
  errorType?: string;
  error?: string;
}

type Sample = [number, string];
interface Series {
  metric: Record<string, string>;
  value?: Sample;
  values?: Sample[];
}

beforeAll(async () => {
  h = await startPromQLHarness();
  // 40 s of range, 30 s windows and 10 s offsets before it, and a margin for the first scrapes.
  for (;;) {
    const firstMs = await h.firstSampleMs();
    if (firstMs > 0 && Date.now() > firstMs + 95_000) break;
    if (h.prom.exited()) throw new Error(`prometheus exited: ${h.prom.log()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  endMs = Math.floor((Date.now() - 3_000) / STEP_MS) * STEP_MS;
  // Samples up to a little past the end, so that stale markers written with them are in too.
  await h.sync(endMs + 2_000);
  await h.mirrorHistogram('shop_latency_seconds', 'otlp.latency', 's', endMs + 2_000);
}, 300_000);

afterAll(async () => {
  await h?.close();
});

async function prometheus(c: PromQLCase): Promise<Answer> {
  const query = c.prom ?? c.expr;
  const params: Record<string, string> =
    c.mode === 'instant'
      ? { query, time: String(endMs / 1000) }
      : {
          query,
          start: String((endMs - RANGE_MS) / 1000),
          end: String(endMs / 1000),
          step: String(STEP_MS / 1000),
        };
  const res = await fetch(
    `http://${h.prom.address}/api/v1/${c.mode === 'instant' ? 'query' : 'query_range'}?${new URLSearchParams(params).toString()}`,
  );
  const body = (await res.json()) as { data?: Answer; errorType?: string; error?: string };
  return body.data ?? { errorType: body.errorType, error: body.error };
}

async function sightline(c: PromQLCase): Promise<Answer> {
  const ctx = {
    client: h.sightline.store.reader,
    database: h.sightline.store.database,
    limits: { maxSeries: 10_000, maxSamples: 5_000_000, timeoutMs: 60_000 },
  };
  try {
    const { data } =
      c.mode === 'instant'
        ? await evaluateInstant(ctx, c.expr, endMs)
        : await evaluateRange(ctx, c.expr, endMs - RANGE_MS, endMs, STEP_MS);
    return data;
  } catch (e) {
    if (e instanceof PromQLError) return { errorType: e.errorType, error: e.message };
    throw e;
  }
}

const labelKey = (m: Record<string, string>): string =>
  JSON.stringify(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)));

const same = (a: string, b: string): boolean => {
  const x = parseValue(a);
  const y = parseValue(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  return Math.abs(x - y) <= Math.max(Math.abs(x), Math.abs(y)) * 1e-3;
};

const samplesDiffer = (a: Sample[], b: Sample[]): boolean =>
  a.length !== b.length || a.some(([t, v], i) => b[i]![0] !== t || !same(v, b[i]![1]));

/** What differs between two answers, one line per series; '' when they agree. */
function difference(c: PromQLCase, want: Answer, got: Answer): string {
  if (want.errorType || got.errorType) {
    if (c.error && want.errorType === c.error && got.errorType === c.error) return '';
    return `errors: prometheus ${want.errorType ?? '-'} ${want.error ?? ''}; sightline ${got.errorType ?? '-'} ${got.error ?? ''}`;
  }
  if (c.error) return `expected both to answer ${c.error}`;
  if (want.resultType !== got.resultType)
    return `result types: prometheus ${want.resultType}, sightline ${got.resultType}`;
  if (want.resultType === 'scalar' || want.resultType === 'string') {
    const [a, b] = [want.result as Sample, got.result as Sample];
    return a[0] === b[0] && (want.resultType === 'string' ? a[1] === b[1] : same(a[1], b[1]))
      ? ''
      : `prometheus ${JSON.stringify(a)}, sightline ${JSON.stringify(b)}`;
  }
  const samples = (s: Series): Sample[] => s.values ?? (s.value ? [s.value] : []);
  const byKey = (r: unknown) => new Map((r as Series[]).map((s) => [labelKey(s.metric), s]));
  const [w, g] = [byKey(want.result), byKey(got.result)];
  const lines: string[] = [];
  for (const [k, s] of w) {
    const o = g.get(k);
    if (!o) lines.push(`only in prometheus: ${k} ${JSON.stringify(samples(s))}`);
    else if (samplesDiffer(samples(s), samples(o)))
      lines.push(
        `${k}: prometheus ${JSON.stringify(samples(s))}, sightline ${JSON.stringify(samples(o))}`,
      );
  }
  for (const [k, s] of g)
    if (!w.has(k)) lines.push(`only in sightline: ${k} ${JSON.stringify(samples(s))}`);
  if (lines.length === 0 && c.ordered && [...w.keys()].join() !== [...g.keys()].join())
    lines.push(
      `order: prometheus ${[...w.keys()].join(' ')}; sightline ${[...g.keys()].join(' ')}`,
    );
  return lines.join('\n');
}

describe('PromQL: Sightline answers as Prometheus does, on the samples Prometheus remote-wrote', () => {
  it.each(CASES.map((c) => [`${c.mode} ${c.expr}`, c] as const))('%s', async (_name, c) => {
    const [want, got] = await Promise.all([prometheus(c), sightline(c)]);
    const diff = difference(c, want, got);
    expect(diff, `${c.mode} ${c.expr}\n${diff}`).toBe('');
    // A case that compares nothing proves nothing: each must have an answer with data in it.
    if (!c.error && !c.empty && want.resultType !== 'scalar' && want.resultType !== 'string')
      expect(
        (want.result as Series[]).length,
        `${c.expr}: prometheus answered no series`,
      ).toBeGreaterThan(0);
  });
});
