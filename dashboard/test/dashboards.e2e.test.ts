import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Dashboard, DashboardList } from '@sightline/model/api/dashboards';
import { formatSeconds, stepForWidth } from '@sightline/model/steps';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import {
  apiJson,
  gridPanel,
  hex,
  postOtlp,
  sendGauge,
  sendLogs,
  tracesBody,
} from './e2e-support.ts';
import { useE2e } from './e2e-hooks.ts';

const METRIC = 'e2e.memory.used';

let s: RunningSightline;
let page: Page;

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 60_000, interval: 300 });

const MEMORY = { name: METRIC, unit: 'By', description: 'Heap in use' };
const LATENCY = { name: 'e2e.latency', unit: 'ms', description: 'Time to answer' };
const grid = { x: 0, y: 0, w: 10, h: 8 };

const api = <T>(path: string) => apiJson<T>(s.apiUrl, path);

const { shot } = useE2e({
  start: async () => (s = await startTestSightline()),
  send: async () => {
    const base = Date.now();
    // The services variable lists services that sent spans.
    for (const [i, service] of ['checkout', 'payments'].entries()) {
      const span = { traceId: hex(i + 1, 32), spanId: hex(i + 1, 16), name: 'GET /', kind: 2 };
      await postOtlp(
        s.otlpUrl,
        '/v1/traces',
        tracesBody(base, service, [{ ...span, startMs: -5000, durMs: 12 }]),
      );
    }
    // checkout holds 512 KiB, payments 3 MiB; checkout answers in 250 ms.
    await sendGauge(s.otlpUrl, base, 'checkout', MEMORY, 512 * 1024);
    await sendGauge(s.otlpUrl, base, 'payments', MEMORY, 3 * 1024 * 1024);
    await sendGauge(s.otlpUrl, base, 'checkout', LATENCY, 250);
    await sendLogs(s.otlpUrl, base, {
      service: 'checkout',
      count: 20,
      everyMs: 1000,
      prefix: 'checkout says',
    });
    await sendLogs(s.otlpUrl, base, {
      service: 'payments',
      count: 20,
      everyMs: 1000,
      prefix: 'payments says',
    });
  },
  ready: (e) => {
    page = e.page;
  },
});

const panel = (title: string): Locator => gridPanel(page, title);

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error('not visible');
  return b;
}

async function addPanel(fill: () => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: 'Add panel' }).click();
  const editor = page.getByRole('dialog', { name: 'Edit panel' });
  await fill();
  await editor.getByRole('button', { name: 'Apply' }).click();
  await editor.waitFor({ state: 'detached' });
}

describe('dashboards in the browser', { timeout: 240_000 }, () => {
  it('builds, arranges, saves, varies, exports and re-imports a dashboard', async () => {
    await page.goto(`${s.apiUrl}/services`);
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.getByRole('button', { name: 'New dashboard' }).click();
    await page.waitForURL(/\/dashboards\/[0-9a-f-]{36}\?edit=1/);
    const id = new URL(page.url()).pathname.split('/')[2]!;
    await page.getByRole('textbox', { name: 'Dashboard title' }).fill('Memory & logs — Zahlung');

    // One variable: a single service, filled from the services that sent data.
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByRole('textbox', { name: 'Variable name' }).fill('service');
    await page.getByRole('checkbox', { name: 'several values' }).uncheck();
    await page.getByRole('button', { name: 'Add variable' }).last().click();
    const picker = page.getByRole('combobox', { name: 'Variable service' });
    await poll(() => picker.locator('option').allTextContents()).toEqual(
      expect.arrayContaining(['checkout', 'payments']),
    );
    await picker.selectOption('checkout');

    // Two panels of different signals, both following the variable.
    await addPanel(async () => {
      await page.getByRole('textbox', { name: 'Panel title' }).fill('Heap');
      const metric = page.getByRole('combobox', { name: 'Metric' });
      await poll(() => metric.locator('option').allTextContents()).toContain(`${METRIC} (By)`);
      await metric.selectOption(METRIC);
      await page.getByText('Unit: By — Heap in use').waitFor();
      await page.getByRole('combobox', { name: 'Aggregation' }).selectOption('max');
      await page.getByRole('textbox', { name: 'Metric service' }).fill('$service');
      // The live preview already draws the series, in binary units.
      await poll(() => page.getByLabel('Preview').textContent()).toContain('KiB');
    });
    await addPanel(async () => {
      await page.getByRole('textbox', { name: 'Panel title' }).fill('Service logs');
      await page.getByRole('combobox', { name: 'Panel type' }).selectOption('logs');
      await page.getByRole('textbox', { name: 'Log search' }).fill('service:$service');
    });
    await poll(() => panel('Heap').textContent()).toContain('512 KiB');
    await poll(() => panel('Service logs').textContent()).toContain('checkout says');
    expect(await panel('Service logs').textContent()).not.toContain('payments says');

    // Drag the log panel under the chart, and make the chart wider and taller.
    const heapBefore = await box(panel('Heap'));
    const logsHead = await box(panel('Service logs').locator('.panel-head'));
    await page.mouse.move(logsHead.x + 40, logsHead.y + logsHead.height / 2);
    await page.mouse.down();
    await page.mouse.move(heapBefore.x + 60, heapBefore.y + heapBefore.height + 80, { steps: 12 });
    await page.mouse.up();
    const handle = await box(panel('Heap').locator('.react-resizable-handle'));
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 300, handle.y + 90, { steps: 12 });
    await page.mouse.up();
    await poll(async () => (await box(panel('Heap'))).width).toBeGreaterThan(
      heapBefore.width + 200,
    );
    const logsAfter = await box(panel('Service logs'));
    const heapAfter = await box(panel('Heap'));
    expect(heapAfter.height).toBeGreaterThan(heapBefore.height + 50);
    expect(logsAfter.y).toBeGreaterThanOrEqual(heapAfter.y + heapAfter.height);
    await shot('60-dashboard-edit');

    // Duplicate a panel, then delete the copy.
    await panel('Heap').getByRole('button', { name: 'Duplicate' }).click();
    await poll(() => panel('Heap (copy)').textContent()).toContain('512 KiB');
    await panel('Heap (copy)').getByRole('button', { name: 'Delete' }).click();
    await poll(() => panel('Heap (copy)').count()).toBe(0);

    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL((u) => u.searchParams.get('v') === '2');
    const saved = await api<Dashboard>(`/dashboards/${id}`);
    expect(saved.version).toBe(2);
    expect(saved.title).toBe('Memory & logs — Zahlung');
    expect(saved.variables).toEqual([
      { name: 'service', source: { kind: 'services' }, multi: false, current: ['checkout'] },
    ]);
    const [heap, logs] = saved.panels;
    expect(heap).toMatchObject({
      title: 'Heap',
      type: 'timeseries',
      queries: [{ signal: 'metrics', metric: METRIC, aggregation: 'max', service: '$service' }],
    });
    expect(logs).toMatchObject({
      title: 'Service logs',
      type: 'logs',
      queries: [{ q: 'service:$service' }],
    });
    // Where the drag and the resize put them, in grid units.
    expect(heap!.grid.w).toBeGreaterThan(12);
    expect(heap!.grid.h).toBeGreaterThan(8);
    expect(logs!.grid.y).toBeGreaterThanOrEqual(heap!.grid.y + heap!.grid.h);

    // A reload shows the saved board, laid out as saved.
    await page.reload();
    await poll(() => panel('Service logs').textContent()).toContain('checkout says');
    const heapReloaded = await box(panel('Heap'));
    // The same grid cells: within a few pixels, as a scrollbar that comes and goes with the data
    // shifts the columns a little, but far less than one column of the 24.
    expect(Math.abs(heapReloaded.width - heapAfter.width)).toBeLessThan(8);

    // Another value of the variable: both panels follow, and the link carries it.
    await page.getByRole('combobox', { name: 'Variable service' }).selectOption('payments');
    await poll(() => panel('Service logs').textContent()).toContain('payments says');
    expect(await panel('Service logs').textContent()).not.toContain('checkout says');
    await poll(() => panel('Heap').textContent()).toContain('3 MiB');
    expect(new URL(page.url()).searchParams.getAll('var-service')).toEqual(['payments']);
    await page.reload();
    await poll(() => panel('Service logs').textContent()).toContain('payments says');
    await shot('61-dashboard-variable');

    // Export, then import the file as a new dashboard.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export' }).click(),
    ]);
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(exported).not.toHaveProperty('id');
    expect(exported.panels).toEqual(saved.panels);
    expect(exported.title).toBe(saved.title);

    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.getByLabel('Import dashboard').setInputFiles(file);
    await page.waitForURL(
      (u) => /^\/dashboards\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.includes(id),
    );
    const importedId = new URL(page.url()).pathname.split('/')[2]!;
    const imported = await api<Dashboard>(`/dashboards/${importedId}`);
    expect(imported.panels).toEqual(saved.panels);
    expect(imported.title).toBe(saved.title);
    expect(imported.variables[0]?.current).toEqual(['payments']);
    await poll(() => panel('Service logs').textContent()).toContain('payments says');

    // Both are listed, and found by a word of their title.
    const list = await api<DashboardList>('/dashboards?search=zahlung');
    expect(list.dashboards.map((d) => d.id).sort()).toEqual([id, importedId].sort());
  });

  it('asks each panel for a step from its width, unless the panel or the board fixes one', async () => {
    const heap = { signal: 'metrics', metric: METRIC, aggregation: 'max' };
    const res = await fetch(`${s.apiUrl}/api/v1/dashboards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...{ title: 'Steps', description: '', tags: [], variables: [], refresh: 'off' },
        timeRange: { last: '24h' },
        panels: [{ id: 'a', title: 'Heap', type: 'timeseries', query: heap, options: {}, grid }],
      }),
    });
    const { id } = (await res.json()) as Dashboard;
    const asked: { from: string; to: string; step?: string }[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/metrics/query'))
        asked.push(JSON.parse(r.postData() ?? '{}') as (typeof asked)[number]);
    });
    await page.goto(`${s.apiUrl}/dashboards/${id}`);
    const body = panel('Heap').locator('.panel-body');
    await poll(() => body.getAttribute('data-step')).toMatch(/^\d+[smhd]$/);
    // One point per ~4 px of this panel's width over its range, rounded to a nice step.
    const width = await body.evaluate((el) => Math.round(el.getBoundingClientRect().width));
    const first = asked[0]!;
    const auto = stepForWidth({ fromMs: Number(first.from), toMs: Number(first.to) }, width);
    expect(first.step).toBe(formatSeconds(auto));
    expect(await body.getAttribute('data-step')).toBe(first.step);
    // The board's step applies to every panel; the panel's own wins over it, and is saved.
    await page.getByRole('combobox', { name: 'Step', exact: true }).selectOption('1h');
    await poll(() => asked.map((a) => a.step)).toContain('1h');
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await panel('Heap').getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('combobox', { name: 'Panel step' }).selectOption('5m');
    await page.getByRole('button', { name: 'Apply' }).click();
    await poll(() => body.getAttribute('data-step')).toBe('5m');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL((u) => u.searchParams.get('v') === '2');
    expect((await api<Dashboard>(`/dashboards/${id}`)).panels[0]).toMatchObject({
      options: { step: '5m' },
    });
  });

  it('offers a generated service overview that follows its variable and can be copied', async () => {
    await page.goto(`${s.apiUrl}/dashboards?search=overview`);
    await page.getByRole('link', { name: 'Service overview' }).click();
    await page.getByRole('combobox', { name: 'Variable service' }).selectOption('payments');
    await poll(() => panel('Requests per second').textContent()).toContain('requests/s');
    // A ratio is drawn as 0–100 %.
    await poll(() => panel('Error rate').textContent()).toContain('100 %');
    await poll(() => panel('Heap used').textContent()).toContain('No data');
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.waitForURL(/\/dashboards\/[0-9a-f-]{36}\?edit=1/);
    const copy = await api<Dashboard>(`/dashboards/${new URL(page.url()).pathname.split('/')[2]}`);
    expect(copy.title).toBe('Copy of Service overview');
    expect(copy.panels.map((p) => p.title)).toContain('Error logs');
    expect(copy.variables[0]?.current).toEqual(['payments']);
    await page.getByRole('button', { name: 'Add panel' }).waitFor();
    await shot('62-dashboard-generated-copy');
  });

  it('adds the logs search, the metrics query and the service latency to dashboards', async () => {
    const addTo = async (target: string) => {
      await page.getByRole('button', { name: 'Add to dashboard' }).click();
      const picker = page.getByRole('combobox', { name: 'Target dashboard' });
      await poll(() => picker.locator('option').allTextContents()).toContain(target);
      await picker.selectOption({ label: target });
      await page
        .getByRole('group', { name: 'Add to dashboard' })
        .getByRole('button', { name: 'Add' })
        .click();
      await page.waitForURL(/\/dashboards\/[0-9a-f-]{36}(\?|$)/);
      return new URL(page.url()).pathname.split('/')[2]!;
    };
    await page.goto(`${s.apiUrl}/logs?q=service%3Acheckout`);
    const id = await addTo('New dashboard');
    await poll(() => panel('service:checkout').textContent()).toContain('checkout says');

    await page.goto(`${s.apiUrl}/explore/metrics?m=${encodeURIComponent(`${METRIC}|max||`)}`);
    expect(await addTo('service:checkout')).toBe(id);
    await poll(() => panel(`max(${METRIC})`).textContent()).toContain('MiB');

    await page.goto(`${s.apiUrl}/services/checkout`);
    expect(await addTo('service:checkout')).toBe(id);
    await poll(() => panel('checkout p95 duration').textContent()).toContain(' ms');
    const d = await api<Dashboard>(`/dashboards/${id}`);
    expect(d.version).toBe(3);
    expect(
      d.panels.map((p) => [p.type, p.type !== 'row' && p.queries[0]?.signal, p.grid.y]),
    ).toEqual([
      ['logs', 'logs', 0],
      ['timeseries', 'metrics', 8],
      ['timeseries', 'traces', 16],
    ]);
  });

  it('gives each unit its own axis in the metrics explorer, with a step control', async () => {
    const m = (row: string) => encodeURIComponent(row);
    await page.goto(
      `${s.apiUrl}/explore/metrics?range=1h&m=${m(`${METRIC}|max|service.name|`)}&m=${m(`${LATENCY.name}|max||service.name=checkout`)}`,
    );
    const chart = page.locator('.metric-chart');
    await poll(() => chart.locator('.recharts-line').count()).toBe(3);
    expect(await chart.locator('.recharts-yAxis').count()).toBe(2);
    // Round ticks in each axis's own unit: bytes on one, milliseconds on the other.
    const text = (await chart.textContent()) ?? '';
    expect(text).toContain('1 MiB');
    expect(text).toContain('200 ms');
    const legend = page.getByRole('list', { name: 'Legend' });
    // Values in the scale of their axis.
    expect(await legend.locator('[data-series="q0s0"] .legend-value').textContent()).toBe(
      '0.5 MiB',
    );
    expect(await legend.locator('[data-series="q0s1"] .legend-value').textContent()).toBe('3 MiB');
    expect(await legend.locator('[data-series="q1s0"] .legend-value').textContent()).toBe('250 ms');
    // At the pointer, the legend lists every series with its value, largest first within a unit.
    const plot = await box(chart.locator('.recharts-cartesian-grid'));
    await page.mouse.move(plot.x + plot.width - 30, plot.y + plot.height / 2);
    await poll(() => legend.locator('li').first().textContent()).not.toBe('latest values');
    expect(
      await legend
        .locator('li[data-series]')
        .evaluateAll((ls) => ls.map((l) => l.getAttribute('data-series'))),
    ).toEqual(['q0s1', 'q0s0', 'q1s0']);
    // Each metric's unit and description in the picker.
    const picker = await page.getByRole('button', { name: /e2e\.latency/ }).textContent();
    expect(picker).toContain('ms');
    expect(picker).toContain('Time to answer');

    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/metrics/query')) requests.push(r.postData() ?? '');
    });
    await page.getByRole('combobox', { name: 'Step' }).selectOption('5m');
    expect(new URL(page.url()).searchParams.get('step')).toBe('5m');
    await poll(() => requests.map((b) => (JSON.parse(b) as { step?: string }).step)).toContain(
      '5m',
    );
    await shot('63-metrics-units');
  });

  it('refuses a file that is not a dashboard, naming the field', async () => {
    await page.goto(`${s.apiUrl}/dashboards`);
    await page.getByLabel('Import dashboard').setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ title: 'x', panels: 'none' })),
    });
    await poll(() => page.getByRole('alert').textContent()).toMatch(
      /broken\.json is not a dashboard: \//,
    );
  });
});
