import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import { nanos, postOtlp, resource, str } from './e2e-support.ts';
import { useE2e } from './e2e-hooks.ts';

const BASE = Date.now();

let s: RunningSightline;
let page: Page;

/**
 * Two services' `cache_size_bytes` (no instrumentation scope: stored as remote write stores it,
 * under its own name), a point every 2 min for 40 min: 2 MiB + i KiB for api, 1 MiB for web.
 */
async function sendData(): Promise<void> {
  const series = (service: string, v: (i: number) => number) => ({
    resource: resource(service),
    scopeMetrics: [
      {
        metrics: [
          {
            name: 'cache_size_bytes',
            gauge: {
              dataPoints: Array.from({ length: 20 }, (_, i) => ({
                timeUnixNano: nanos(BASE, -i * 2 * 60_000),
                asDouble: v(i),
                attributes: [str('tier', 'hot')],
              })),
            },
          },
        ],
      },
    ],
  });
  await postOtlp(s.otlpUrl, '/v1/metrics', {
    resourceMetrics: [
      series('api', (i) => 2 * 1024 ** 2 + i * 1024),
      series('web', () => 1024 ** 2),
    ],
  });
}

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000 });
const { shot } = useE2e({
  start: async () => (s = await startTestSightline()),
  send: sendData,
  ready: (e) => {
    page = e.page;
  },
});

describe('PromQL in the metrics explorer', { timeout: 180_000 }, () => {
  it('completes a metric name from the API, runs the query and charts it in its unit', async () => {
    await page.goto(`${s.apiUrl}/explore/metrics?range=1h`);
    await page.getByRole('radio', { name: 'PromQL' }).click();
    const editor = page.getByRole('textbox', { name: 'PromQL query' });
    await editor.waitFor();
    await editor.click();
    await page.keyboard.type('cache_si');
    // The names come from /prometheus/api/v1/label/__name__/values.
    const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'cache_size_bytes' });
    await option.waitFor({ timeout: 30_000 });
    await option.click();
    await poll(() => editor.textContent()).toBe('cache_size_bytes');
    await page.keyboard.type('{job="api"}');
    await page.keyboard.press('Enter');
    await poll(() => new URL(page.url()).searchParams.get('promql')).toBe(
      'cache_size_bytes{job="api"}',
    );
    const legend = page.getByRole('list', { name: 'Legend' });
    await poll(() => legend.textContent()).toContain('cache_size_bytes{job="api", tier="hot"}');
    await poll(() => page.locator('.metric-chart .recharts-line').count()).toBe(1);
    // Bytes with binary prefixes: the latest point is exactly 2 MiB.
    expect(await legend.locator('.legend-value').first().textContent()).toBe('2 MiB');
    // Axis labels: times (HH:MM) and values, every value with its unit.
    const labels = () => page.locator('.metric-chart svg text').allTextContents();
    await poll(
      async () => (await labels()).filter((t) => t.endsWith(' MiB')).length,
    ).toBeGreaterThan(1);
    const values = (await labels()).filter((t) => t !== '' && !/^\d\d:\d\d$/.test(t));
    for (const t of values) expect(t).toMatch(/^[\d.]+ (B|KiB|MiB)$/);
    await shot('60-promql-explorer');

    // Both services, and an error in Prometheus's words for a bad query.
    await page.goto(
      `${s.apiUrl}/explore/metrics?range=1h&promql=${encodeURIComponent('sum by (job) (cache_size_bytes)')}`,
    );
    await poll(() => page.locator('.metric-chart .recharts-line').count()).toBe(2);
    await page.goto(
      `${s.apiUrl}/explore/metrics?range=1h&promql=${encodeURIComponent('sum(cache_size_bytes')}`,
    );
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/^bad_data: /);
  });

  it('adds the PromQL query to a new dashboard, where it charts the same series', async () => {
    const expr = 'sum by (job) (cache_size_bytes)';
    await page.goto(`${s.apiUrl}/explore/metrics?range=1h&promql=${encodeURIComponent(expr)}`);
    await poll(() => page.locator('.metric-chart .recharts-line').count()).toBe(2);
    await page.getByRole('button', { name: 'Add to dashboard' }).click();
    await page.getByRole('combobox', { name: 'Target dashboard' }).selectOption('New dashboard');
    await page
      .getByRole('group', { name: 'Add to dashboard' })
      .getByRole('button', { name: 'Add' })
      .click();
    await page.waitForURL(/\/dashboards\/[0-9a-f-]{36}(\?|$)/);
    const id = new URL(page.url()).pathname.split('/')[2] ?? '';
    const res = await fetch(`${s.apiUrl}/api/v1/dashboards/${id}`);
    const d = (await res.json()) as { panels: { title: string; type: string; queries: unknown }[] };
    expect(d.panels.map((p) => [p.title, p.type, p.queries])).toEqual([
      [expr, 'timeseries', [{ signal: 'promql', expr }]],
    ]);
    // The panel charts both jobs (two line colours), in bytes.
    const panel = page
      .locator('.react-grid-item')
      .filter({ has: page.getByRole('heading', { name: expr }) });
    const colours = () =>
      panel
        .locator('.recharts-line-curve')
        .evaluateAll((ps) => new Set(ps.map((p) => p.getAttribute('stroke'))).size);
    await poll(colours).toBe(2);
    await poll(() => panel.textContent()).toContain('MiB');
    await shot('61-promql-added-to-dashboard');
  });

  it('writes an alert rule in PromQL with the same editor, without a threshold', async () => {
    await page.goto(`${s.apiUrl}/alerts/new`);
    const labelled = (name: string) =>
      page.locator('form.alert-form label.alert-field', { hasText: name });
    await labelled('Name').locator('input').fill('Big cache');
    await labelled('Query kind').locator('select').selectOption('promql');
    // The CodeMirror editor, once its chunk has replaced the plain text area standing in for it.
    const editor = page.locator('.promql-editor .cm-content');
    await editor.click();
    await page.keyboard.type('cache_size_bytes > 1500000');
    // No threshold: every series the expression returns is an alert.
    await labelled('Threshold').locator('input').fill('');
    await labelled('Interval').locator('input').fill('1s');
    await labelled('For').locator('input').fill('0s');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await poll(() => new URL(page.url()).pathname).toMatch(/^\/alerts\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    const rule = (await (await fetch(`${s.apiUrl}/api/v1/alerts/rules/${id}`)).json()) as {
      query: unknown;
      condition?: unknown;
    };
    expect(rule.query).toEqual({ kind: 'promql', expr: 'cache_size_bytes > 1500000' });
    expect(rule.condition).toBeUndefined();
  });
});
