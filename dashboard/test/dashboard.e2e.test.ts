import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import { useE2e } from './e2e-hooks.ts';
import { hex, postOtlp, resource } from './e2e-support.ts';
import {
  BASE_MS,
  BIG_TRACE,
  CHARGE_SPAN,
  ERROR_TEXT,
  sendShopData,
  SLOW_TRACE,
} from './shop-data.ts';

let s: RunningSightline;
let page: Page;

const post = (path: string, body: unknown) => postOtlp(s.otlpUrl, path, body);

const path = () => new URL(page.url()).pathname;
const param = (k: string) => new URL(page.url()).searchParams.get(k);

const { shot } = useE2e({
  start: async () => (s = await startTestSightline()),
  send: () => sendShopData(s.otlpUrl),
  ready: (e) => {
    page = e.page;
  },
  setUpTimeoutMs: 180_000,
});

describe('dashboard in a real browser', { timeout: 120_000 }, () => {
  it('serves the built app at / and deep links, and keeps /api 404s as JSON', async () => {
    const index = await fetch(`${s.apiUrl}/traces/${SLOW_TRACE}`);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toContain('<div id="root">');
    const api = await fetch(`${s.apiUrl}/api/v1/nope`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'SL_ERR_NOT_FOUND' } });
    expect((await fetch(`${s.apiUrl}/assets/missing.js`)).status).toBe(404);
  });

  it('lists services with RED and sparklines, and opens a service', async () => {
    await page.goto(`${s.apiUrl}/`);
    const row = page.locator('.services-table tbody tr', { hasText: 'payments' });
    await row.waitFor();
    expect(await page.locator('.services-table tbody tr').count()).toBe(3);
    await expect.poll(() => row.locator('.sparkline svg').count()).toBe(3);
    expect(await row.locator('td.num').nth(3).textContent()).toMatch(/%/);
    await shot('01-services');
    await row.getByRole('link', { name: 'payments' }).click();
    expect(path()).toBe('/services/payments');
    await page.getByRole('heading', { name: 'POST /charge' }).waitFor();
    const callers = page.getByRole('table', { name: 'Called by' });
    await expect.poll(() => callers.locator('tbody tr').textContent()).toContain('frontend');
    await page.locator('.series-chart svg').first().waitFor();
    await shot('02-service');
    await page.goBack();
    expect(path()).toBe('/');
    await row.waitFor();
  });

  it('opens the slow trace from the scatter chart and reads a span', async () => {
    await page.getByRole('link', { name: 'Traces', exact: true }).click();
    const dot = page.locator(`circle[data-trace-id="${SLOW_TRACE}"]`);
    await dot.waitFor();
    await shot('03-traces');
    await dot.click();
    expect(path()).toBe(`/traces/${SLOW_TRACE}`);
    const charge = page.locator(`[data-span-id="${CHARGE_SPAN}"]`);
    await charge.waitFor();
    expect(await page.locator('.wf-row').count()).toBe(4);
    // The critical path arrives on its own request, after the waterfall.
    await expect.poll(() => page.locator('.wf-critical').count()).toBeGreaterThan(0);
    await charge.click();
    expect(param('span')).toBe(CHARGE_SPAN);
    const attrs = page.getByRole('table', { name: 'Attributes' });
    await expect
      .poll(() => attrs.locator('tr', { hasText: 'payment.provider' }).textContent())
      .toContain('acme');
    expect(await page.locator('.span-detail').textContent()).toContain(ERROR_TEXT);
    await page.locator('.trace-logs', { hasText: ERROR_TEXT }).waitFor();
    await shot('04-trace');
    // Collapsing hides the subtree; expanding brings it back.
    await page.getByRole('button', { name: 'Collapse GET /checkout' }).click();
    await expect.poll(() => page.locator('.wf-row').count()).toBe(1);
    await page.getByRole('button', { name: 'Expand GET /checkout' }).click();
    await expect.poll(() => page.locator('.wf-row').count()).toBe(4);
  });

  it('jumps from the span to its logs, searches an error and goes back to the trace', async () => {
    await page.getByRole('link', { name: 'Logs of this span' }).click();
    expect(path()).toBe('/logs');
    expect(param('q')).toBe(`trace_id:${SLOW_TRACE} span_id:${CHARGE_SPAN}`);
    await page.locator('.log-row', { hasText: ERROR_TEXT }).waitFor();
    await expect.poll(() => page.locator('.log-row').count()).toBe(2);
    await shot('05-logs-of-span');

    await page.getByRole('link', { name: 'Logs', exact: true }).click();
    const box = page.getByRole('searchbox').or(page.getByLabel('Search', { exact: true }));
    await box.fill('level:(error');
    await page.getByRole('alert').filter({ hasText: 'Column' }).waitFor();
    await shot('06-query-error');
    await box.fill('"card declined"');
    await box.press('Enter');
    await expect.poll(() => param('q')).toBe('"card declined"');
    const hit = page.locator('.log-row', { hasText: ERROR_TEXT });
    await hit.waitFor();
    await expect.poll(() => page.locator('.log-row').count()).toBe(1);
    await page.locator('.facet', { hasText: 'level' }).getByText('error').waitFor();
    await hit.locator('.log-line').click();
    await page.getByRole('table', { name: 'Log attributes' }).waitFor();
    await shot('07-logs-search');
    await page.getByRole('link', { name: 'View trace' }).click();
    expect(path()).toBe(`/traces/${SLOW_TRACE}`);
    expect(param('span')).toBe(CHARGE_SPAN);
    await page.locator('.span-detail', { hasText: 'charge card' }).waitFor();
  });

  it('zooms the trace search by dragging across the scatter; back restores it', async () => {
    await page.goto(`${s.apiUrl}/traces?range=1h`);
    await page.locator(`circle[data-trace-id="${SLOW_TRACE}"]`).waitFor();
    const box = await page.locator('.scatter .recharts-cartesian-grid').boundingBox();
    if (!box) throw new Error('no scatter plot');
    const y = box.y + box.height * 0.9;
    // From about 27 to 12 minutes ago: the checkout traces, not the batch trace at 5 minutes.
    await page.mouse.move(box.x + box.width * 0.55, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, y, { steps: 5 });
    await page.locator('.scatter .zoom-selection').waitFor();
    await shot('03a-traces-drag-zoom');
    const requery = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/v1/traces' && r.url().includes('from='),
    );
    await page.mouse.move(box.x + box.width * 0.8, y, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => param('from')).not.toBeNull();
    const from = Date.parse(param('from') ?? '');
    const to = Date.parse(param('to') ?? '');
    expect(param('range')).toBeNull();
    expect(path()).toBe('/traces');
    // A quarter of the hour, where the drag was.
    expect(to - from).toBeGreaterThan(13 * 60_000);
    expect(to - from).toBeLessThan(17 * 60_000);
    expect(to).toBeLessThan(Date.now() - 8 * 60_000);
    const asked = new URL((await requery).url()).searchParams;
    expect([Number(asked.get('from')), Number(asked.get('to'))]).toEqual([from, to]);
    // The table now holds the traces that started in the span (a second's slack at the edges).
    const starts = new Map([
      [SLOW_TRACE, BASE_MS - 20 * 60_000],
      ...Array.from(
        { length: 11 },
        (_, i) => ['a'.repeat(8) + hex(101 + i, 24), BASE_MS + (-19 + i) * 60_000] as const,
      ),
      [BIG_TRACE, BASE_MS - 5 * 60_000],
    ]);
    const ids = page.locator('.traces-table tbody tr .sub.mono');
    await expect
      .poll(async () => {
        const shown = await ids.allTextContents();
        const inside = [...starts].filter(([, t]) => t >= from + 1000 && t < to - 1000);
        return (
          inside.every(([id]) => shown.includes(id)) &&
          shown.every((id) => {
            const t = starts.get(id);
            return t !== undefined && t >= from - 1000 && t < to + 1000;
          })
        );
      })
      .toBe(true);
    expect(await ids.count()).toBeGreaterThan(5);
    expect(await page.locator(`circle[data-trace-id="${BIG_TRACE}"]`).count()).toBe(0);
    expect(await page.getByLabel('Time range').inputValue()).toBe('custom');
    await shot('03b-traces-zoomed');
    await page.goBack();
    expect(param('range')).toBe('1h');
    expect(param('from')).toBeNull();
    await page.locator(`circle[data-trace-id="${BIG_TRACE}"]`).waitFor();
  });

  it('filters logs from the field sidebar: click to filter, minus to exclude', async () => {
    await page.goto(`${s.apiUrl}/logs?range=1h`);
    await page.locator('.log-row').first().waitFor();
    await page.getByRole('button', { name: 'Exclude level info' }).click();
    await expect.poll(() => param('q')).toBe('-level:info');
    await expect.poll(() => page.locator('.log-row', { hasText: 'heartbeat 1 ' }).count()).toBe(0);
    await page.locator('.facet', { hasText: 'level' }).getByTitle('Only level:warn').click();
    await expect.poll(() => param('q')).toBe('-level:info level:warn');
    await expect
      .poll(async () =>
        (await page.locator('.log-row .level').allTextContents()).every((t) => t === 'warn'),
      )
      .toBe(true);
    await shot('08-logs-facets');
  });

  it('tails new logs live', async () => {
    await page.goto(`${s.apiUrl}/logs?range=1h&q=${encodeURIComponent('"tail me"')}`);
    await page.getByRole('button', { name: /Live tail/ }).click();
    expect(param('live')).toBe('1');
    await page.getByRole('status').filter({ hasText: 'Live:' }).waitFor();
    await post('/v1/logs', {
      resourceLogs: [
        {
          resource: resource('payments'),
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: (BigInt(Date.now()) * 1_000_000n).toString(),
                  severityNumber: 9,
                  body: { stringValue: 'please tail me' },
                },
              ],
            },
          ],
        },
      ],
    });
    await page.locator('.log-row', { hasText: 'please tail me' }).waitFor();
    await shot('09-logs-live');
    await page.getByRole('button', { name: /Stop live tail/ }).click();
    expect(param('live')).toBeNull();
  });

  it('keeps the time range in the URL: picker, shared link, back button', async () => {
    await page.goto(`${s.apiUrl}/services`);
    await page.locator('.services-table').waitFor();
    await page.getByLabel('Time range').selectOption('24h');
    expect(param('range')).toBe('24h');
    await page.getByRole('link', { name: 'Traces', exact: true }).click();
    expect(param('range')).toBe('24h');
    const shared = await page.context().newPage();
    await shared.goto(page.url());
    expect(await shared.getByLabel('Time range').inputValue()).toBe('24h');
    const from = new Date(Date.now() - 30 * 60_000).toISOString();
    const to = new Date(Date.now() - 10 * 60_000).toISOString();
    await shared.goto(
      `${s.apiUrl}/logs?from=${from}&to=${to}&q=${encodeURIComponent('level:error')}`,
    );
    await shared.locator('.log-row', { hasText: ERROR_TEXT }).waitFor();
    expect(await shared.getByLabel('Time range').inputValue()).toBe('custom');
    expect(await shared.getByLabel('Search', { exact: true }).inputValue()).toBe('level:error');
    await shared.close();
    await page.goBack();
    expect(path()).toBe('/services');
    expect(param('range')).toBe('24h');
    await page.goBack();
    expect(param('range')).toBeNull();
    expect(await page.getByLabel('Time range').inputValue()).toBe('1h');
  });

  it('renders a 10,001-span trace with only the visible rows in the DOM', async () => {
    let started = Date.now();
    const api = await fetch(`${s.apiUrl}/api/v1/traces/${BIG_TRACE}`);
    expect((await api.json()) as { spans: unknown[] }).toHaveProperty('spans.length', 10_001);
    const apiMs = Date.now() - started;
    started = Date.now();
    await page.goto(`${s.apiUrl}/traces/${BIG_TRACE}`);
    await page.locator('.wf-row').first().waitFor({ timeout: 30_000 });
    const loadMs = Date.now() - started;
    // Where the time goes: the API's answer versus rendering it.
    const timing = await page.evaluate(() => {
      const end = (re: RegExp) =>
        Math.round(
          (
            performance
              .getEntriesByType('resource')
              .find((e) => re.test(e.name)) as PerformanceResourceTiming
          ).responseEnd,
        );
      return {
        trace: end(/\/api\/v1\/traces\/[0-9a-f]{32}$/),
        critical: end(/critical-path$/),
        rendered: Math.round(performance.now()),
      };
    });
    expect(await page.locator('.summary').textContent()).toContain('10001 spans');
    expect(await page.locator('.wf-row').count()).toBeLessThan(120);
    await page.locator('.wf-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.getByText('step 99.99', { exact: true }).waitFor();
    await shot('10-big-trace');
    console.log(
      `10,001-span trace: API alone ${apiMs} ms; page to first rows ${loadMs} ms; in the page: trace at ${timing.trace} ms, critical path at ${timing.critical} ms, rows by ${timing.rendered} ms`,
    );
  });

  it('charts a metric, grouped by an attribute', async () => {
    await page.goto(`${s.apiUrl}/explore/metrics?range=1h`);
    await page.getByRole('button', { name: /e2e\.queue\.depth/ }).click();
    expect(param('m')).toBe('e2e.queue.depth|||');
    await page.locator('.metric-chart .recharts-line').first().waitFor();
    await page.getByLabel('Group by 1').selectOption('queue');
    expect(param('m')).toBe('e2e.queue.depth||queue|');
    await expect
      .poll(() => page.locator('.metric-chart .recharts-line').count(), { timeout: 20_000 })
      .toBe(2);
    await shot('11-metrics');
  });

  it('switches to the dark theme and remembers it', async () => {
    await page.goto(`${s.apiUrl}/traces/${SLOW_TRACE}?span=${CHARGE_SPAN}`);
    await page.locator('.span-detail').waitFor();
    await page.getByRole('button', { name: 'Toggle theme' }).click();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await shot('12-trace-dark');
    await page.goto(`${s.apiUrl}/logs?range=1h`);
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.locator('.log-row').first().waitFor();
    await shot('13-logs-dark');
    await page.getByRole('button', { name: 'Toggle theme' }).click();
  });
});
