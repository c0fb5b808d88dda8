import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { useE2e } from './e2e-hooks.ts';
import { nanos, postOtlp, resource, sendGauge, str } from './e2e-support.ts';
import { BASE_MS, CHARGE_SPAN, ERROR_TEXT, SLOW_TRACE, sendShopData } from './shop-data.ts';

// The everyday pages on the shop's data: the service page's charts, the logs page (highlights,
// filters, columns, line breaks, fields, self-telemetry, saved searches), Esc, and the metrics
// search box.

const MULTI = 'stock check failed\n  at reserve (inventory.ts:42)\n  at main (server.ts:7)';
const JSON_BODY = '{"order":4242,"user":"zoë","items":[{"sku":"A-1","qty":0}],"note":""}';
const OWN = 'sightline flushed 120 rows';

let s: RunningSightline;
let page: Page;

async function sendEverydayData(): Promise<void> {
  await sendShopData(s.otlpUrl);
  const record = (body: string, offsetMs: number, attrs: ReturnType<typeof str>[] = []) => ({
    timeUnixNano: nanos(BASE_MS, offsetMs),
    severityNumber: 17,
    severityText: 'ERROR',
    body: { stringValue: body },
    attributes: attrs,
  });
  // `host` is a resource attribute of one inventory block and a log attribute in the other:
  // one field, not two.
  await postOtlp(s.otlpUrl, '/v1/logs', {
    resourceLogs: [
      {
        resource: resource('inventory', [str('host', 'inv-1')]),
        scopeLogs: [{ scope: { name: 'e2e' }, logRecords: [record(MULTI, -5 * 60_000)] }],
      },
      {
        resource: resource('inventory'),
        scopeLogs: [
          {
            scope: { name: 'e2e' },
            logRecords: [record(JSON_BODY, -4 * 60_000, [str('host', 'inv-2')])],
          },
        ],
      },
      {
        resource: resource('sightline-all-in-one'),
        scopeLogs: [{ scope: { name: 'e2e' }, logRecords: [record(OWN, -3 * 60_000)] }],
      },
    ],
  });
  await sendGauge(
    s.otlpUrl,
    BASE_MS,
    'inventory',
    {
      name: 'inventory.cache.size',
      unit: 'By',
      description: 'bytes held in the stock cache',
    },
    2048,
  );
}

const e2e = useE2e({
  send: async (started) => {
    s = started;
    await sendEverydayData();
  },
  ready: (e) => {
    page = e.page;
  },
  failurePrefix: 'FAILED-everyday-',
});
const shot = (name: string) => e2e.shot(`everyday-${name}`);
const WAIT = { timeout: 30_000 };
const params = () => new URL(page.url()).searchParams;

describe('logs, services and metrics pages in a real browser', { timeout: 120_000 }, () => {
  it('keeps the service page’s error rate within 0–100 % on round ticks, the filling step dashed', async () => {
    await page.goto(`${s.apiUrl}/services/payments?range=1h`);
    const op = page.locator('article.operation').filter({ hasText: 'POST /charge' });
    const errors = op.locator('figure').filter({ hasText: 'Error rate' });
    const ticks = errors.locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value');
    // One failing request of twelve: a step holding only it is 100 %, never more.
    await expect.poll(() => ticks.allTextContents(), WAIT).toEqual(['0 %', '50 %', '100 %']);
    // Requests per second: the step still filling is a dashed piece, not a drop to zero.
    const rate = op.locator('figure').filter({ hasText: 'Rate' }).first();
    await expect
      .poll(() => rate.locator('path.recharts-curve[stroke-dasharray="4 3"]').count(), WAIT)
      .toBe(1);
    await shot('01-service-page');
  });

  it('hides Sightline’s own logs until the toggle shows them', async () => {
    await page.goto(`${s.apiUrl}/logs?range=1h`);
    const rows = page.locator('.log-line');
    const count = page.locator('.table-footer .sub');
    await rows.first().waitFor();
    await expect.poll(() => count.textContent(), WAIT).toBe('34 records of 34');
    expect((await rows.allTextContents()).join('\n')).not.toContain(OWN);
    const toggle = page.getByLabel("Show Sightline's own services");
    await toggle.check();
    await expect.poll(() => count.textContent(), WAIT).toBe('35 records of 35');
    expect((await rows.allTextContents()).join('\n')).toContain(OWN);
    await toggle.uncheck();
    await expect.poll(() => count.textContent(), WAIT).toBe('34 records of 34');
  });

  it('marks the search words, keeps line breaks, pretty-prints JSON and filters on values', async () => {
    await page.goto(`${s.apiUrl}/logs?range=1h&q=${encodeURIComponent('card OR "stock check"')}`);
    const marks = page.locator('.log-line mark');
    await marks.first().waitFor();
    expect((await marks.allTextContents()).sort()).toEqual(['card', 'card', 'stock check']);
    const multi = page.locator('.log-line').filter({ hasText: 'stock check failed' });
    expect(await multi.locator('.body').textContent()).toBe('stock check failed (+2 lines)');
    await multi.click();
    expect(await page.locator('.log-detail .log-body').textContent()).toBe(MULTI);
    await shot('02-logs-highlight-multiline');

    await page.goto(`${s.apiUrl}/logs?range=1h&q=service:inventory`);
    const json = page.locator('.log-line').filter({ hasText: '"order":4242' });
    await json.click();
    const pretty = JSON.stringify(JSON.parse(JSON_BODY), null, 2);
    expect(await page.locator('.log-detail .log-body').textContent()).toBe(pretty);
    await page.getByRole('button', { name: 'Filter out host:inv-2' }).click();
    await expect.poll(() => params().get('q'), WAIT).toBe('service:inventory -host:inv-2');
    await expect.poll(() => page.locator('.log-line').count(), WAIT).toBe(1);
    await page.locator('.log-line').first().click();
    await page.getByRole('button', { name: 'Filter for level:error' }).click();
    await expect
      .poll(() => params().get('q'), WAIT)
      .toBe('service:inventory -host:inv-2 level:error');
    await expect.poll(() => page.locator('.log-line').count(), WAIT).toBe(1);
    expect(await page.locator('.log-line .body').textContent()).toBe(
      'stock check failed (+2 lines)',
    );
  });

  it('lists each field once with sampled counts, and keeps chosen columns in the URL', async () => {
    await page.goto(`${s.apiUrl}/logs?range=1h`);
    const fields = page.locator('.facets button.facet-field');
    await fields.first().waitFor();
    const names = await fields.locator('.mono').allTextContents();
    expect(names.filter((n) => n === 'host')).toHaveLength(1);
    expect(names).not.toContain('attr.host');
    expect(names).not.toContain('resource.host');
    expect(await page.locator('.facets-heading').textContent()).toBe(
      'Fields in the 34 newest records (sampled)',
    );
    // Opened, the field counts over the whole range: both hosts, one record each.
    await fields.filter({ hasText: 'host' }).click();
    const host = page.locator('.facet[data-field="host"]');
    await host.locator('.facet-value').first().waitFor();
    expect(await host.locator('.facet-value').allTextContents()).toEqual(['inv-11', 'inv-21']);
    await page.keyboard.press('Escape');
    await expect.poll(() => host.count(), WAIT).toBe(0);

    await page.getByRole('button', { name: /^Columns/ }).click();
    await page.getByRole('group', { name: 'Columns' }).getByLabel('order.id').check();
    await expect.poll(() => params().get('cols'), WAIT).toBe('level,service,order.id');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('group', { name: 'Columns' }).count(), WAIT).toBe(0);
    const errorRow = page.locator('.log-line').filter({ hasText: ERROR_TEXT });
    expect(await errorRow.locator('.log-cell[data-column="order.id"]').textContent()).toBe('4242');
    await page.reload();
    await page.locator('.log-cell[data-column="order.id"]').first().waitFor();
    expect(
      await page
        .locator('.log-line')
        .filter({ hasText: 'stock check' })
        .locator('.log-cell')
        .textContent(),
    ).toBe('—');
    await shot('03-logs-columns-fields');

    // Esc also closes an expanded record.
    await errorRow.click();
    await page.locator('.log-detail').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.log-detail').count(), WAIT).toBe(0);
    expect(params().get('log')).toBeNull();
  });

  it('saves a search with its columns and range, and opens it from the shared link', async () => {
    const q = 'service:payments level:warn';
    await page.goto(`${s.apiUrl}/logs?range=24h&cols=level,order.id&q=${encodeURIComponent(q)}`);
    await page.locator('.log-line').first().waitFor();
    await page.getByRole('button', { name: 'Save search…' }).click();
    await page.getByLabel('Name').fill('Payment warnings — Zahlung ✓');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const link = page.getByLabel('Link to share');
    await link.waitFor();
    const shared = await link.inputValue();
    expect(shared).toMatch(new RegExp(`^${s.apiUrl}/logs\\?saved=[0-9a-f-]{36}$`));
    await shot('04-logs-saved-search');
    // Esc in the name field leaves the field; a second Esc closes the form.
    await page.getByLabel('Name').press('Escape');
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.getByRole('form', { name: 'Save this search' }).count(), WAIT)
      .toBe(0);

    await page.goto(`${s.apiUrl}/logs`);
    await page.locator('.log-line').first().waitFor();
    await page.goto(shared);
    await expect.poll(() => params().get('q'), WAIT).toBe(q);
    expect(params().get('cols')).toBe('level,order.id');
    expect(params().get('range')).toBe('24h');
    expect(params().get('saved')).toBeNull();
    await expect
      .poll(() => page.locator('.table-footer .sub').textContent(), WAIT)
      .toBe('6 records of 6');
    const options = await page.getByLabel('Saved searches').locator('option').allTextContents();
    expect(options).toEqual(['Saved searches (1)', 'Payment warnings — Zahlung ✓']);
  });

  it('finds metrics by name, description or unit, grouped by service', async () => {
    await page.goto(`${s.apiUrl}/explore/metrics?range=1h`);
    const box = page.getByLabel('Search metrics');
    await box.waitFor();
    const groups = page.locator('.metric-list section');
    await expect
      .poll(() => groups.locator('h3').allTextContents(), WAIT)
      .toEqual(['inventory', 'payments']);
    const payments = page.getByRole('region', { name: 'Metrics of payments' });
    expect(await payments.locator('li').first().textContent()).toBe(
      'e2e.queue.depthitems waitinggauge · count of items',
    );
    await box.fill('cache bytes');
    await expect.poll(() => groups.locator('h3').allTextContents(), WAIT).toEqual(['inventory']);
    expect(await groups.locator('li').textContent()).toBe(
      'inventory.cache.sizebytes held in the stock cachegauge · bytes',
    );
    expect(await groups.locator('mark').allTextContents()).toEqual(['cache', 'bytes', 'cache']);
    await box.fill('no-such-metric');
    await page.getByText('No metric matches “no-such-metric”.').waitFor();
    await box.fill('queue');
    await payments.getByRole('button').first().click();
    await expect.poll(() => new URL(page.url()).search, WAIT).toContain('e2e.queue.depth');
    await shot('05-metrics-search');
  });

  it('closes the trace page’s span detail and the shortcuts list with Esc', async () => {
    await page.goto(`${s.apiUrl}/traces/${SLOW_TRACE}?span=${CHARGE_SPAN}`);
    await page.locator('.span-detail').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.span-detail').count(), WAIT).toBe(0);
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count(), WAIT).toBe(0);
  });
});
