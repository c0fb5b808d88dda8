import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import {
  hex,
  nanos,
  postOtlp,
  resource,
  sendLogs,
  str,
  tracesBody,
  type SpanSpec,
} from './e2e-support.ts';
import { useE2e } from './e2e-hooks.ts';

const BASE = Date.now();
const TRACES = 150;
const LOGS = 1200;

let s: RunningSightline;
let page: Page;

/** web → api → db, every 10th api call failing; 1,200 "tick" logs; two gauges. */
async function sendData(): Promise<void> {
  const spans: Record<string, SpanSpec[]> = { web: [], api: [], db: [] };
  for (let i = 0; i < TRACES; i++) {
    const traceId = 'e'.repeat(8) + hex(i, 24);
    const start = -25 * 60_000 + i * 8_000;
    const [root, call, server, query] = [1, 2, 3, 4].map((k) => hex(i * 10 + k, 16)) as [
      string,
      string,
      string,
      string,
    ];
    spans.web?.push(
      { traceId, spanId: root, name: 'GET /', kind: 2, startMs: start, durMs: 40 },
      {
        traceId,
        spanId: call,
        parentSpanId: root,
        name: 'call api',
        kind: 3,
        startMs: start + 1,
        durMs: 35,
      },
    );
    spans.api?.push({
      traceId,
      spanId: server,
      parentSpanId: call,
      name: 'GET /items',
      kind: 2,
      startMs: start + 2,
      durMs: 30,
      error: i % 10 === 0 ? 'boom' : undefined,
    });
    spans.db?.push({
      traceId,
      spanId: query,
      parentSpanId: server,
      name: 'SELECT items',
      kind: 2,
      startMs: start + 3,
      durMs: 10 + (i % 5),
    });
  }
  for (const [service, list] of Object.entries(spans))
    await postOtlp(s.otlpUrl, '/v1/traces', tracesBody(BASE, service, list));
  await sendLogs(s.otlpUrl, BASE, {
    service: 'ticker',
    count: LOGS,
    everyMs: 1000,
    prefix: 'tick',
  });
  const gauge = (name: string, v: (i: number) => number, queue: string) => ({
    name,
    unit: '1',
    gauge: {
      dataPoints: Array.from({ length: 20 }, (_, i) => ({
        timeUnixNano: nanos(BASE, -i * 2 * 60_000),
        asDouble: v(i),
        attributes: [str('queue', queue)],
      })),
    },
  });
  await postOtlp(s.otlpUrl, '/v1/metrics', {
    resourceMetrics: [
      {
        resource: resource('ticker'),
        scopeMetrics: [
          {
            metrics: [
              gauge('x.depth', (i) => 10 + (i % 4), 'a'),
              gauge('x.lag', (i) => 100 + i, 'a'),
            ],
          },
        ],
      },
    ],
  });
}

// Generous: the API shares two cores with other test processes.
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000 });
const path = () => new URL(page.url()).pathname;
const param = (k: string) => new URL(page.url()).searchParams.get(k);

const { shot } = useE2e({
  start: async () => (s = await startTestSightline()),
  send: sendData,
  ready: (e) => {
    page = e.page;
  },
});

describe('explore views in a real browser', { timeout: 120_000 }, () => {
  it('draws the service map and drills into a service', async () => {
    await page.goto(`${s.apiUrl}/services?range=1h`);
    await page.getByRole('tab', { name: 'Map' }).click();
    expect(param('view')).toBe('map');
    const api = page.locator('[data-service="api"]');
    await api.waitFor();
    expect(await page.locator('.map-node').count()).toBe(3);
    const webToApi = page.locator('.map-edge[data-caller="web"][data-callee="api"]');
    expect(await webToApi.getAttribute('class')).toContain('band-bad');
    expect(
      await page.locator('.map-edge[data-caller="api"][data-callee="db"]').getAttribute('class'),
    ).toContain('band-ok');
    // Request rate sizes the node: web serves every trace, as do api and db, all alike here.
    const r = async (svc: string) =>
      Number(await page.locator(`[data-service="${svc}"] circle`).getAttribute('r'));
    expect(await r('web')).toBeGreaterThan(0);
    await api.hover();
    const tip = page.getByRole('tooltip');
    await poll(() => tip.textContent()).toContain('p95');
    expect(await tip.textContent()).toContain('errors 10.0%');
    await shot('20-service-map');
    await page.getByRole('button', { name: 'Toggle theme' }).click();
    await shot('21-service-map-dark');
    await page.getByRole('button', { name: 'Toggle theme' }).click();
    await api.click();
    expect(path()).toBe('/services/api');
    await page.goBack();
    expect(param('view')).toBe('map');
  });

  it('pages through traces with the cursor', async () => {
    await page.goto(`${s.apiUrl}/traces?range=1h&service=web`);
    await page.locator('.traces-table tbody tr').first().waitFor();
    expect(await page.locator('.traces-table tbody tr').count()).toBe(100);
    await page.getByRole('button', { name: 'Load 100 more' }).click();
    await poll(() => page.locator('.traces-table tbody tr').count()).toBe(TRACES);
    expect(await page.getByRole('button', { name: 'Load 100 more' }).count()).toBe(0);
    const ids = await page.locator('.traces-table tbody tr .sub.mono').allTextContents();
    expect(new Set(ids).size).toBe(TRACES);
  });

  it('loads older logs page by page', async () => {
    await page.goto(`${s.apiUrl}/logs?range=1h&q=service:ticker`);
    const footer = page.locator('.log-table .table-footer');
    await poll(() => footer.textContent()).toContain(`500 records of ${LOGS}`);
    await footer.getByRole('button', { name: 'Load 500 older' }).click();
    await poll(() => footer.textContent()).toContain(`1000 records of ${LOGS}`);
    await footer.getByRole('button', { name: 'Load 500 older' }).click();
    await poll(() => footer.textContent()).toContain(`${LOGS} records of ${LOGS}`);
    expect(await footer.getByRole('button').count()).toBe(0);
    // The oldest record is now in the table.
    await page.locator('.log-table').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.locator('.log-row', { hasText: `tick ${LOGS - 1}` }).waitFor();
  });

  it('zooms the time range by dragging across the histogram; back restores it', async () => {
    await page.goto(`${s.apiUrl}/logs?range=1h&q=service:ticker`);
    const plot = page.locator('.histogram .recharts-cartesian-grid');
    await plot.waitFor();
    const box = await plot.boundingBox();
    if (!box) throw new Error('no histogram');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.55, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, y, { steps: 5 });
    await page.locator('.zoom-selection').waitFor();
    await shot('22-logs-drag-zoom');
    await page.mouse.move(box.x + box.width * 0.85, y, { steps: 5 });
    await page.mouse.up();
    await poll(() => param('from')).not.toBeNull();
    const from = Date.parse(param('from') ?? '');
    const to = Date.parse(param('to') ?? '');
    expect(param('range')).toBeNull();
    // About 30% of the hour, well inside it.
    expect(to - from).toBeGreaterThan(10 * 60_000);
    expect(to - from).toBeLessThan(30 * 60_000);
    expect(from).toBeGreaterThan(BASE - 60 * 60_000);
    expect(await page.getByLabel('Time range').inputValue()).toBe('custom');
    await page.goBack();
    expect(param('range')).toBe('1h');
    expect(param('from')).toBeNull();
  });

  it('opens the lines around a record and loads more above', async () => {
    await page.goto(`${s.apiUrl}/logs?range=1h&q=${encodeURIComponent('"tick 600"')}`);
    const row = page.locator('.log-row', { hasText: 'tick 600' }).first();
    await row.locator('.log-line').click();
    await page.getByRole('button', { name: 'Surrounding logs' }).click();
    expect(param('around')).toMatch(/^\d+-\d+$/);
    const lines = page.getByRole('table', { name: 'Context lines' }).getByRole('row');
    const anchor = page.locator('.log-context-rows [aria-current="true"]');
    await poll(() => anchor.textContent()).toContain('tick 600');
    expect(await lines.count()).toBe(41);
    // Oldest first: the line just above the anchor was logged a second earlier.
    const texts = await lines.allTextContents();
    expect(texts[19]).toContain('tick 601');
    expect(texts[21]).toContain('tick 599');
    await shot('23-logs-context');
    await page.getByRole('button', { name: '↑ Load earlier' }).click();
    await poll(() => lines.count()).toBe(61);
    expect(await lines.first().textContent()).toContain('tick 640');
    expect(await anchor.textContent()).toContain('tick 600');
    await page.getByRole('button', { name: '← Back to results' }).click();
    expect(param('around')).toBeNull();
    await page.locator('.log-table').waitFor();
  });

  it('lists attribute fields of the results, with top values to filter or exclude', async () => {
    await page.goto(`${s.apiUrl}/logs?range=1h&q=service:ticker`);
    const worker = page.locator('.facet-field', { hasText: 'worker' });
    await worker.click();
    const facet = page.locator('.facet[data-field="worker"]');
    await poll(() => facet.locator('.facet-value').count()).toBe(4);
    expect(await facet.getByTitle('Only worker:w1').textContent()).toContain(String(LOGS / 4));
    await shot('24-logs-fields');
    await facet.getByTitle('Only worker:w1').click();
    await poll(() => param('q')).toBe('service:ticker worker:w1');
    await page.locator('.facet-field', { hasText: 'region' }).click();
    await page.getByRole('button', { name: 'Exclude region eu-west' }).click();
    await poll(() => param('q')).toBe('service:ticker worker:w1 -region:eu-west');
    await page.getByText('No log records match').waitFor();
  });

  it('charts several metric queries on one chart, as lines or stacked areas', async () => {
    await page.goto(`${s.apiUrl}/explore/metrics?range=1h`);
    await page.getByRole('button', { name: /x\.depth/ }).click();
    await page.locator('.metric-chart .recharts-line').first().waitFor();
    await page.getByRole('button', { name: '+ Add query' }).click();
    await page.getByLabel('Metric 2').selectOption('x.lag');
    await page.getByLabel('Aggregation 2').selectOption('max');
    expect(new URL(page.url()).searchParams.getAll('m')).toEqual(['x.depth|||', 'x.lag|max||']);
    await poll(() => page.locator('.metric-chart .recharts-line').count()).toBe(2);
    const legend = page.getByRole('list', { name: 'Legend' });
    await poll(() => legend.textContent()).toContain('B · max(x.lag)');
    // Not hovering: the latest value (i = 0 → 100 for x.lag).
    expect(await legend.locator('[data-series="q1s0"] .legend-value').textContent()).toBe('100');
    const plot = page.locator('.metric-chart .recharts-cartesian-grid');
    const box = await plot.boundingBox();
    if (!box) throw new Error('no chart');
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await poll(() => legend.locator('li').first().textContent()).not.toBe('latest values');
    const hovered = Number(
      await legend.locator('[data-series="q1s0"] .legend-value').textContent(),
    );
    expect(hovered).toBeGreaterThan(100);
    await page.getByRole('radio', { name: 'Stacked area' }).click();
    expect(param('mode')).toBe('stacked');
    await poll(() => page.locator('.metric-chart .recharts-area').count()).toBe(2);
    await shot('25-metrics-stacked');
    // A filter that matches nothing empties its query only.
    await page.getByLabel('Filter 2').fill('queue!=a');
    await page.getByLabel('Filter 2').press('Enter');
    await poll(() => page.locator('.metric-chart .recharts-area').count()).toBe(1);
    await page.getByRole('button', { name: 'Remove query 2' }).click();
    expect(new URL(page.url()).searchParams.getAll('m')).toEqual(['x.depth|||']);
    await page.goBack();
    expect(new URL(page.url()).searchParams.getAll('m')).toHaveLength(2);
  });
});
