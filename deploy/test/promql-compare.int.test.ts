import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, type PromQLCase } from './promql-cases.ts';
import { askPrometheus, askSightline, difference, type Series } from './promql-diff.ts';
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

const window = (c: PromQLCase) => ({ mode: c.mode, endMs, rangeMs: RANGE_MS, stepMs: STEP_MS });
const prometheus = (c: PromQLCase) => askPrometheus(h.prom.address, c.prom ?? c.expr, window(c));
const sightline = (c: PromQLCase) => askSightline(h.sightline, c.expr, window(c));

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
