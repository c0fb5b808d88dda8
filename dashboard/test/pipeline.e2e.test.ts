import type { Page } from 'playwright-core';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { LogSearchResponse } from '@sightline/model/api/logs';
import type { MetricsQueryResponse } from '@sightline/model/api/metrics';
import { startSightline, type RunningSightline } from '../../deploy/src/all-in-one.ts';
import { testConfig } from '../../deploy/test/harness.ts';
import { INTERNAL_PROBLEMS_QUERY, pipelineRequest } from '../src/views/pipeline-panels.ts';
import { hex, postOtlp, tracesBody } from './e2e-support.ts';
import { useE2e } from './e2e-hooks.ts';

const LOG_LINE = 'e2e: the store refused an insert';

let s: RunningSightline;
let page: Page;

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 60_000, interval: 500 });

/**
 * Three spans timed two years ahead beside one of now: the three refused as invalid (OTLP
 * partial success), the fourth stored.
 */
const sendAhead = () =>
  postOtlp(
    s.otlpUrl,
    '/v1/traces',
    tracesBody(
      Date.now(),
      'cart',
      Array.from({ length: 4 }, (_, i) => ({
        traceId: hex(99, 32),
        spanId: hex(900 + i, 16),
        name: 'GET /cart',
        kind: 2,
        startMs: i === 3 ? -1000 : 2 * 365 * 86_400_000,
        durMs: 20,
      })),
    ),
  );

/** The API's answer to the view's request over the last five minutes. */
async function pipelineResults(): Promise<MetricsQueryResponse['results']> {
  const now = Date.now();
  const res = await fetch(`${s.apiUrl}/api/v1/metrics/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(pipelineRequest(now - 5 * 60_000, now)),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as MetricsQueryResponse).results;
}

/** Series with at least one value, per panel query id, as the API answers the view's request. */
async function seriesWithData(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await pipelineResults()) {
    out[r.id ?? ''] = r.series.filter((x) => x.points.some(([, v]) => v !== null)).length;
  }
  return out;
}

/** Bodies of the internal warnings and errors the view lists. */
async function problemLines(): Promise<string[]> {
  const q = encodeURIComponent(INTERNAL_PROBLEMS_QUERY);
  const res = await fetch(
    `${s.apiUrl}/api/v1/logs?q=${q}&from=${Date.now() - 300_000}&selfTelemetry=show`,
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as LogSearchResponse).rows.map((r) => r.body);
}

const logger = pino({ level: 'info' }, { write: () => undefined });
const { shot } = useE2e({
  start: async () =>
    (s = await startSightline(
      testConfig({ SIGHTLINE_SELF_TELEMETRY: 'on', SIGHTLINE_SELF_TELEMETRY_INTERVAL_MS: '1000' }),
      logger,
    )),
  send: async () => {
    // Some outside traffic, spread over a few export intervals so rates have more than one point.
    const base = Date.now();
    for (let round = 0; round < 4; round++) {
      const spans = Array.from({ length: 50 }, (_, i) => ({
        traceId: hex(round + 1, 32),
        spanId: hex(round * 100 + i + 1, 16),
        name: 'GET /cart',
        kind: 2,
        startMs: -1000,
        durMs: 20,
      }));
      await postOtlp(s.otlpUrl, '/v1/traces', tracesBody(base, 'cart', spans));
      await new Promise((r) => setTimeout(r, 1500));
    }
    await sendAhead();
    // A line of the server's own logger, as a failing insert would write it.
    logger.error({ rows: 12 }, LOG_LINE);
  },
  ready: (e) => {
    page = e.page;
  },
});

describe('the Pipeline view', { timeout: 180_000 }, () => {
  it('charts the all-in-one’s own ingest rate, queue and insert latency, and its errors', async () => {
    // Wait until the store has what the charts need, then look at them in the browser.
    await poll(async () => {
      const found = await seriesWithData();
      return ['items:0', 'queue:0', 'latency:1', 'errors:1', 'figure:rejected'].every(
        (id) => (found[id] ?? 0) > 0,
      );
    }).toBe(true);
    await poll(problemLines).toContain(LOG_LINE);

    await page.goto(`${s.apiUrl}/services?range=15m`);
    await page.getByRole('link', { name: 'Pipeline' }).click();
    expect(new URL(page.url()).pathname).toBe('/pipeline');
    await page.getByRole('heading', { name: 'Sightline pipeline' }).waitFor();

    // First the four figures to act on, each with its unit and what it means.
    const figure = (id: string) => page.locator(`[data-figure="${id}"]`);
    const value = (id: string) => figure(id).locator('.pipeline-figure-value').textContent();
    await poll(() => figure('acknowledged').count()).toBe(1);
    expect(await page.locator('.pipeline-figure dt').allTextContents()).toEqual([
      'Acknowledged',
      'Queue depth',
      'Rejected',
      'Consumer lag',
    ]);
    expect(await value('acknowledged')).toMatch(/^\d+(\.\d+)?k? items\/s$/);
    expect(await value('queue')).toMatch(/^\d+(\.\d+)?k? rows$/);
    // The three spans refused as invalid, counted since start.
    expect(await value('rejected')).toBe('3 items');
    expect(await value('lag')).toBe('—');
    expect(await figure('lag').textContent()).toContain('No Kafka consumer');
    for (const id of ['acknowledged', 'queue', 'rejected', 'lag']) {
      expect((await figure(id).locator('.hint').textContent())?.length).toBeGreaterThan(30);
    }
    // The figures come before the charts.
    const above = await page.evaluate(() => {
      const f = document.querySelector('.pipeline-figures')?.getBoundingClientRect();
      const c = document.querySelector('[data-panel]')?.getBoundingClientRect();
      return f !== undefined && c !== undefined && f.bottom <= c.top;
    });
    expect(above).toBe(true);

    const panel = (id: string) => page.locator(`[data-panel="${id}"]`);
    // Received items per signal: traces (the spans above) among them.
    await poll(() => panel('items').locator('.recharts-line').count()).toBeGreaterThan(0);
    const items = await panel('items').getByRole('list', { name: 'Legend' }).textContent();
    expect(items).toContain('received · traces');
    expect(items).toContain('by outcome · traces accepted');
    await poll(() => panel('queue').locator('.recharts-line').count()).toBeGreaterThan(0);
    const latency = await panel('latency').getByRole('list', { name: 'Legend' }).textContent();
    expect(latency).toContain('p50');
    expect(latency).toContain('p95');
    await poll(() => panel('errors').locator('.recharts-line').count()).toBeGreaterThan(0);
    // No Kafka in the all-in-one: the lag panel says so instead of drawing an empty chart.
    await panel('lag').getByText('No Kafka consumer').waitFor();

    const problems = page.getByRole('table', { name: 'Internal warnings and errors' });
    await poll(() => problems.textContent()).toContain(LOG_LINE);
    expect(await problems.textContent()).toContain('sightline-all-in-one');
    await shot('40-pipeline');

    // The link to all of Sightline's own logs shows them, though searches hide them by default.
    await page.getByRole('link', { name: /All of Sightline.s own logs/ }).click();
    await poll(() => page.locator('body').textContent()).toContain(LOG_LINE);
    expect(new URL(page.url()).pathname).toBe('/logs');
  });
});
