import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type {
  CircuitBreakerSummary,
  CircuitBreakersResponse,
} from '@sightline/model/api/dependencies';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import { isAlive, startDemo, type StartedDemo } from '../../demo/test/demo-run.ts';
import { useE2e } from './e2e-hooks.ts';

/**
 * The demo's own circuit breaker, driven by its outage switch rather than by the clock: checkout's
 * `payments-api` breaker opens while payments is down and closes once it is back, and the
 * Dependencies tab and the service map show each state. No random faults (chaos 0), so the only
 * failures are the outage's.
 */

const dir = mkdtempSync(join(tmpdir(), 'demo-breaker-'));
const OUTAGE = join(dir, 'payments-down');
const WAIT = { timeout: 90_000, interval: 500 };

let s: RunningSightline;
let page: Page;
let demo: StartedDemo | undefined;
/** When the outage began (ms). */
let outageAt = 0;

/** checkout's payments-api breaker over the last ten minutes, or since `fromMs`. */
async function breaker(
  fromMs = Date.now() - 10 * 60_000,
): Promise<CircuitBreakerSummary | undefined> {
  const res = await fetch(`${s.apiUrl}/api/v1/circuit-breakers?from=${fromMs}`);
  expect(res.status).toBe(200);
  const { breakers } = (await res.json()) as CircuitBreakersResponse;
  return breakers.find((b) => b.service === 'checkout' && b.name === 'payments-api');
}
const state = async () => (await breaker())?.state ?? null;
/** A failed wait, told with the breaker as the API has it now and the demo's last lines. */
const explain = (what: string) => async (err: Error) => {
  const tail = demo?.output().slice(-2000) ?? '';
  throw new Error(
    `${what}: ${err.message}\nbreaker: ${JSON.stringify(await breaker())}\ndemo:\n${tail}`,
  );
};

/** The payments-api row of checkout's Dependencies tab, freshly loaded. */
async function dependencyState(): Promise<string | null> {
  await page.goto(`${s.apiUrl}/services/checkout?range=15m&tab=dependencies`);
  const row = page.locator('table[aria-label="Dependencies"] tbody tr', {
    has: page.locator('td:first-child', { hasText: /^payments-api$/ }),
  });
  await row.waitFor();
  return row.locator('[data-state]').getAttribute('data-state');
}

/** checkout → payments on the service map, freshly loaded: its breaker, dash and colour. */
async function mapEdge(): Promise<{ breaker: string | null; dashed: boolean; red: boolean }> {
  await page.goto(`${s.apiUrl}/services?view=map&range=15m`);
  const edge = page.locator('line[data-caller="checkout"][data-callee="payments"]');
  await edge.waitFor();
  const look = await edge.evaluate((el) => {
    const probe = document.createElement('span');
    probe.style.color = 'var(--error)';
    document.body.append(probe);
    const red = getComputedStyle(probe).color;
    probe.remove();
    const style = getComputedStyle(el);
    return { dashed: style.strokeDasharray !== 'none', red: style.stroke === red };
  });
  return { breaker: await edge.getAttribute('data-breaker'), ...look };
}

const { shot } = useE2e({
  start: async () => (s = await startTestSightline()),
  send: async () => {
    demo = await startDemo({
      SIGHTLINE_OTLP_URL: s.otlpUrl,
      SIGHTLINE_API_URL: s.apiUrl,
      SIGHTLINE_DEMO_CHAOS: '0',
      SIGHTLINE_DEMO_OUTAGE_FILE: OUTAGE,
      SIGHTLINE_DEMO_BREAKER_RESET_MS: '5000',
      SIGHTLINE_DEMO_RATE: '1',
      OTEL_METRIC_EXPORT_INTERVAL: '2000',
    });
  },
  ready: (e) => {
    page = e.page;
  },
  failurePrefix: 'FAILED-demo-breaker-',
});

// Registered after useE2e's: runs before it closes Sightline.
afterAll(async () => {
  const run = await demo?.stop();
  for (const pid of run?.pids ?? []) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  expect(run?.exit, run?.output).toEqual({ code: 0, signal: null });
}, 60_000);

describe('the demo’s circuit breaker through a payments outage', { timeout: 300_000 }, () => {
  it('is closed while payments answers', async () => {
    // Calls went through it (a checkout's cart may be empty: the first ones can take a while).
    await expect
      .poll(async () => (await breaker())?.outcomes.success ?? 0, WAIT)
      .toBeGreaterThan(0)
      .catch(explain('no call succeeded'));
    await expect.poll(state, WAIT).toBe('closed').catch(explain('not closed'));
    await expect.poll(dependencyState, WAIT).toBe('closed');
    const edge = await mapEdge();
    expect(edge.breaker).not.toBe('open');
    expect(edge.dashed).toBe(false);
  });

  it('opens during the outage: rejected calls, an open row, a dashed red edge', async () => {
    outageAt = Date.now();
    writeFileSync(OUTAGE, '');
    await expect.poll(state, WAIT).toBe('open').catch(explain('did not open'));
    // Open: checkout fails fast instead of calling payments.
    await expect
      .poll(async () => (await breaker())?.outcomes.rejected ?? 0, WAIT)
      .toBeGreaterThan(0);
    await expect.poll(dependencyState, WAIT).toBe('open');
    await shot('64-demo-breaker-open-dependencies');
    await expect.poll(mapEdge, WAIT).toEqual({ breaker: 'open', dashed: true, red: true });
    await shot('65-demo-breaker-open-map');
  });

  it('closes again once payments is back, and the pages say so', async () => {
    rmSync(OUTAGE);
    await expect.poll(state, WAIT).toBe('closed').catch(explain('did not close'));
    // From just before the outage: a short range has steps short enough for the open state to be
    // at some step's end (the state is read at each step's end; ten minutes have 10 s steps).
    const b = await breaker(outageAt - 5_000);
    expect(b?.openSeconds).toBeGreaterThan(0);
    // The sequence as reported: closed, then open, then closed.
    const seen = (b?.stateSeries ?? []).map(([, v]) => v).filter((v) => v !== null);
    const changes = seen.filter((v, i) => i === 0 || v !== seen[i - 1]);
    expect(changes[0]).toBe(0);
    expect(changes).toContain(2);
    expect(changes.at(-1)).toBe(0);
    await expect.poll(dependencyState, WAIT).toBe('closed');
    const edge = await mapEdge();
    expect(edge.breaker).not.toBe('open');
    expect(edge.dashed).toBe(false);
    await shot('66-demo-breaker-closed-dependencies');
  });
});
