import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Dashboard, DashboardInput, RowPanel } from '@sightline/model/api/dashboards';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import { useE2e } from './e2e-hooks.ts';
import {
  apiJson,
  gridPanel,
  hex,
  postOtlp,
  sendGauge,
  sendLogs,
  tracesBody,
} from './e2e-support.ts';

// Panels of two queries in two units, on two y axes; rows that fold panels away.

let s: RunningSightline;
let page: Page;

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 60_000, interval: 300 });
const api = <T>(path: string) => apiJson<T>(s.apiUrl, path);
const panel = (title: string) => gridPanel(page, title);

const { shot } = useE2e({
  start: async () => (s = await startTestSightline()),
  send: async () => {
    const base = Date.now();
    // checkout: 250 ms latency, 20 requests over the last 10 minutes, and a few logs.
    await sendGauge(
      s.otlpUrl,
      base,
      'checkout',
      {
        name: 'e2e.latency',
        unit: 'ms',
        description: 'Time to answer',
      },
      250,
    );
    const spans = Array.from({ length: 20 }, (_, i) => ({
      traceId: hex(i + 1, 32),
      spanId: hex(i + 1, 16),
      name: 'GET /cart',
      kind: 2,
      startMs: -i * 30_000,
      durMs: 20,
    }));
    await postOtlp(s.otlpUrl, '/v1/traces', tracesBody(base, 'checkout', spans));
    await sendLogs(s.otlpUrl, base, {
      service: 'checkout',
      count: 5,
      everyMs: 1000,
      prefix: 'checkout says',
    });
  },
  ready: (e) => {
    page = e.page;
  },
});

const board: DashboardInput = {
  title: 'Two units, one row',
  description: '',
  tags: [],
  variables: [],
  timeRange: { last: '1h' },
  refresh: 'off',
  panels: [
    {
      id: 'mixed',
      title: 'Latency and rate',
      type: 'timeseries',
      queries: [
        { signal: 'metrics', metric: 'e2e.latency', aggregation: 'max', service: 'checkout' },
        { signal: 'traces', service: 'checkout', measure: 'rate' },
      ],
      options: {},
      grid: { x: 0, y: 0, w: 24, h: 8 },
    },
    {
      id: 'r-logs',
      type: 'row',
      title: 'Logs',
      collapsed: false,
      panels: [],
      grid: { x: 0, y: 8, w: 24, h: 1 },
    },
    {
      id: 'logs',
      title: 'Checkout logs',
      type: 'logs',
      queries: [{ signal: 'logs', q: 'service:checkout' }],
      options: {},
      grid: { x: 0, y: 9, w: 24, h: 6 },
    },
  ],
};

async function create(): Promise<string> {
  const res = await fetch(`${s.apiUrl}/api/v1/dashboards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(board),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as Dashboard).id;
}

/** The tick labels left and right of a panel's plot: its two y axes. */
const yTicks = (title: string) =>
  panel(title).evaluate((el) => {
    const plot = el.querySelector('.recharts-cartesian-grid')?.getBoundingClientRect();
    const ticks = [...el.querySelectorAll('.recharts-cartesian-axis-tick-value')].map((t) => ({
      text: t.textContent ?? '',
      at: t.getBoundingClientRect(),
    }));
    return plot
      ? {
          left: ticks.filter((t) => t.at.right <= plot.left + 1).map((t) => t.text),
          right: ticks.filter((t) => t.at.left >= plot.right - 1).map((t) => t.text),
        }
      : { left: [], right: [] };
  });

describe('dashboard panels and rows in the browser', { timeout: 240_000 }, () => {
  it('draws two units on two y axes, each with its own round ticks, and edits the queries', async () => {
    const id = await create();
    await page.goto(`${s.apiUrl}/dashboards/${id}`);
    // Both axes drawn, with ticks once the data is in.
    await poll(() =>
      yTicks('Latency and rate').then((t) => t.left.length > 1 && t.right.length > 1),
    ).toBe(true);
    const { left, right } = await yTicks('Latency and rate');
    // Latency on the left in round ms, up past its 250 ms; the rate on the right per second.
    expect(left.every((t) => /^(0|\d+) ms$/.test(t))).toBe(true);
    expect(left).toContain('200 ms');
    expect(right.every((t) => /^(0|\d+(\.\d+)?)\/s$/.test(t))).toBe(true);
    await expect
      .poll(() => panel('Latency and rate').locator('.recharts-label').allTextContents())
      .toContain('requests/s');
    // The tooltip lists both series, each in its unit.
    const chart = panel('Latency and rate').locator('.recharts-surface').first();
    const b = (await chart.boundingBox())!;
    await page.mouse.move(b.x + b.width * 0.92, b.y + b.height / 2);
    const tip = panel('Latency and rate').getByRole('tooltip');
    await poll(() => tip.textContent()).toContain('250 ms');
    expect(await tip.textContent()).toMatch(/B · checkout[\d.]+ requests\/s/);
    await shot('66-dashboard-two-axes');

    // The editor: remove the rate, add it back on the right, explicitly.
    await page.goto(`${s.apiUrl}/dashboards/${id}?edit=1`);
    await panel('Latency and rate').getByRole('button', { name: 'Edit' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit panel' });
    await editor.getByRole('button', { name: 'Remove query 2' }).click();
    await expect.poll(() => editor.getByRole('group', { name: /^Query/ }).count()).toBe(1);
    await editor.getByRole('button', { name: 'Add query' }).click();
    await editor.getByRole('combobox', { name: 'Signal 2' }).selectOption('traces');
    await editor.getByRole('textbox', { name: 'Trace service 2' }).fill('checkout');
    await editor.getByRole('combobox', { name: 'Y axis 2' }).selectOption('right');
    // The live preview draws both axes before the panel is applied.
    await poll(() => editor.getByLabel('Preview').locator('.recharts-yAxis').count()).toBe(2);
    await editor.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL((u) => u.searchParams.get('v') === '2');
    const saved = await api<Dashboard>(`/dashboards/${id}`);
    expect(saved.panels[0]).toMatchObject({
      queries: [
        { signal: 'metrics', metric: 'e2e.latency', aggregation: 'max', service: 'checkout' },
        { signal: 'traces', measure: 'rate', service: 'checkout', axis: 'right' },
      ],
    });
  });

  it('folds a row away, saves it folded, and does not query what it holds', async () => {
    const id = await create();
    await page.goto(`${s.apiUrl}/dashboards/${id}?edit=1`);
    await poll(() => panel('Checkout logs').textContent()).toContain('checkout says');
    const toggle = page.locator('[data-row="r-logs"] .dashboard-row-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await toggle.click();
    await poll(() => panel('Checkout logs').count()).toBe(0);
    expect(await toggle.textContent()).toContain('(1 panel)');
    await page.getByRole('button', { name: 'Add row' }).click();
    await page.getByRole('textbox', { name: 'Row title Row' }).fill('Spare – Ersatz');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL((u) => u.searchParams.get('v') === '2');
    const saved = await api<Dashboard>(`/dashboards/${id}`);
    const rows = saved.panels.filter((p): p is RowPanel => p.type === 'row');
    expect(rows.map((r) => [r.title, r.collapsed, r.panels.map((p) => p.id)])).toEqual([
      ['Logs', true, ['logs']],
      ['Spare – Ersatz', false, []],
    ]);
    expect(saved.panels.map((p) => p.id)).not.toContain('logs');

    // Opened again: the row is folded, and its panel's search is never asked for.
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await page.goto(`${s.apiUrl}/dashboards/${id}`);
    await poll(() => yTicks('Latency and rate').then((t) => t.right.length > 1)).toBe(true);
    await page.locator('[data-row="r-logs"]').waitFor();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(asked).toContain('/api/v1/metrics/query');
    expect(asked).not.toContain('/api/v1/logs');
    await shot('67-dashboard-row-folded');

    // Unfolded, the panel is back under its row and loads.
    await toggle.click();
    await poll(() => panel('Checkout logs').textContent()).toContain('checkout says');
    expect(asked).toContain('/api/v1/logs');
    const rowBox = (await page.locator('[data-row="r-logs"]').boundingBox())!;
    const logsBox = (await panel('Checkout logs').boundingBox())!;
    expect(logsBox.y).toBeGreaterThan(rowBox.y);
  });
});
