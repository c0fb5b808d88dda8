import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline, testConfig } from '../../deploy/test/harness.ts';
import { hex, postOtlp, tracesBody, type SpanSpec } from './e2e-support.ts';
import { SHOTS, useE2e } from './e2e-hooks.ts';

const SERVICE = 'checkout';
// expect.poll gives up after 1 s by default; previews and evaluations may take longer here.
const WAIT = { timeout: 30_000 };
const SLOW = { timeout: 90_000 };

let s: RunningSightline;
let page: Page;
let ruleId = '';

/** 40 checkout requests over the last two minutes, half of them failing: error rate 50 %. */
async function sendErrors(): Promise<void> {
  const base = Date.now();
  const spans: SpanSpec[] = Array.from({ length: 40 }, (_, i) => ({
    traceId: 'e'.repeat(8) + hex(i + 1, 24),
    spanId: hex(i + 1, 16),
    name: 'POST /pay',
    kind: 2,
    startMs: -120_000 + i * 3000,
    durMs: 40,
    ...(i % 2 === 0 ? { error: 'card declined' } : {}),
  }));
  await postOtlp(s.otlpUrl, '/v1/traces', tracesBody(base, SERVICE, spans));
}

async function shot(name: string): Promise<void> {
  // The top bar is sticky: from a scrolled page it would land mid-screenshot.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** A screenshot in each theme, leaving the page in light. */
async function shotBoth(name: string): Promise<void> {
  await shot(`${name}-light`);
  await page.getByRole('button', { name: 'Toggle theme' }).click();
  await expect
    .poll(() => page.evaluate(() => document.documentElement.dataset.theme), WAIT)
    .toBe('dark');
  await shot(`${name}-dark`);
  await page.getByRole('button', { name: 'Toggle theme' }).click();
  await expect
    .poll(() => page.evaluate(() => document.documentElement.dataset.theme), WAIT)
    .toBe('light');
}

const path = () => new URL(page.url()).pathname;
const field = (name: string) => page.locator(`.field-error[data-field="${name}"]`);
// A field of the rule form (the templates above it have fields of their own).
const labelled = (label: string) =>
  page
    .locator('form.alert-form .alert-field')
    .filter({ has: page.locator('.alert-field-label', { hasText: label }) });

useE2e({
  // A fast evaluator tick, so a 1 s rule is checked every second.
  start: async () => (s = await startTestSightline(testConfig({ SIGHTLINE_ALERT_TICK_MS: '200' }))),
  send: sendErrors,
  ready: (e) => {
    page = e.page;
  },
  failurePrefix: 'FAILED-alerts-',
});

describe('alerts pages in a real browser', { timeout: 180_000 }, () => {
  it('starts with an empty list that says how to begin', async () => {
    await page.goto(`${s.apiUrl}/alerts`);
    await page.getByText('No alert rules yet').waitFor();
    await page.getByText('Nothing is silenced').waitFor();
    await shot('alerts-01-empty');
  });

  it('creates an error-rate rule through the form, with a live preview and server errors', async () => {
    await page.getByRole('link', { name: '+ New rule' }).click();
    expect(path()).toBe('/alerts/new');
    await labelled('Name').locator('input').fill('Checkout errors');
    // Service and operation are picked from what the data has: checkout, then its one operation.
    const service = labelled('Service').locator('select');
    await expect.poll(() => service.locator('option').allTextContents(), WAIT).toContain(SERVICE);
    expect(await service.locator('option').allTextContents()).toEqual(['any', SERVICE]);
    const operation = labelled('Operation').locator('select');
    expect(await operation.isDisabled()).toBe(true);
    await service.selectOption(SERVICE);
    await expect
      .poll(() => operation.locator('option').allTextContents(), WAIT)
      .toEqual(['any', 'POST /pay']);
    await operation.selectOption('POST /pay');
    // An error rate is typed in percent (20 %) and stored as the share (0.2).
    const threshold = labelled('Threshold');
    expect(await threshold.locator('.alert-unit').textContent()).toBe('%');
    await threshold.locator('input').fill('20');
    await labelled('Interval').locator('input').fill('1s');
    await labelled('For').locator('input').fill('1s');

    // The preview replays the draft: its series, with the threshold drawn.
    const chart = page.locator('.alert-preview-chart');
    // The first replay reads the last hour: under load it takes a while.
    await chart.waitFor(SLOW);
    await expect.poll(() => chart.getAttribute('data-threshold'), WAIT).toBe('0.2');
    // The <g> of a reference line has no box of its own: count its drawn <line>.
    await expect.poll(() => chart.locator('.alert-threshold line').count(), WAIT).toBe(1);
    await expect
      .poll(() => chart.locator('.recharts-line-curve, .recharts-line-dot').count(), WAIT)
      .toBeGreaterThan(0);
    expect(await chart.getAttribute('aria-label')).toBe('Rule series with threshold > 20 %');
    // Editing the threshold refreshes it; the axis reads in percent too.
    await labelled('Threshold').locator('input').fill('30.9');
    await expect.poll(() => chart.getAttribute('data-threshold'), WAIT).toBe('0.309');
    // The y-axis labels: tick values left of the plot.
    const yTicks = () =>
      chart.evaluate((el) => {
        const plot = el.querySelector('.recharts-cartesian-grid')?.getBoundingClientRect();
        return [...el.querySelectorAll('.recharts-cartesian-axis-tick-value')]
          .filter((t) => plot !== undefined && t.getBoundingClientRect().right <= plot.left + 1)
          .map((t) => t.textContent ?? '');
      });
    await expect.poll(async () => (await yTicks()).length, WAIT).toBeGreaterThan(1);
    for (const t of await yTicks()) expect(t).toMatch(/^\d+(\.\d+)? %$/);

    // A syntax error in the span filter is pointed at while typing.
    const filter = page.getByLabel('Span filter', { exact: true });
    await filter.fill('http.route:(');
    await page.locator('.alert-search .query-error', { hasText: 'Column' }).waitFor();
    await filter.fill('');

    // A bad duration goes to the server, whose message shows beside the field.
    await labelled('Window').locator('input').fill('-5m');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await field('window').waitFor();
    expect(await field('window').textContent()).toMatch(/window/);
    await shotBoth('alerts-02-form-error');
    await labelled('Window').locator('input').fill('5m');
    await expect.poll(() => field('window').count(), WAIT).toBe(0);
    await expect.poll(() => chart.getAttribute('data-threshold'), WAIT).toBe('0.309');
    await shotBoth('alerts-03-form-preview');

    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.getByRole('heading', { name: 'Checkout errors' }).waitFor();
    ruleId = decodeURIComponent(path().split('/')[2] ?? '');
    expect(ruleId).not.toBe('');
    expect(path()).toBe(`/alerts/${encodeURIComponent(ruleId)}`);
    const stored = await fetch(`${s.apiUrl}/api/v1/alerts/rules/${encodeURIComponent(ruleId)}`);
    expect(await stored.json()).toMatchObject({
      query: { kind: 'trace_red', measure: 'error_rate', service: SERVICE, operation: 'POST /pay' },
      condition: { op: '>', threshold: 0.309 },
    });
    expect(await page.locator('.alert-facts').textContent()).toContain('> 30.9 %');
  });

  it('shows the rule firing in the list, and filters by state', async () => {
    await page.getByRole('link', { name: 'Alerts', exact: true }).first().click();
    const row = page.locator(`tr[data-rule-id="${ruleId}"]`);
    await row.waitFor();
    await expect.poll(() => row.locator('.alert-state').first().textContent(), SLOW).toBe('firing');
    await page.getByRole('tab', { name: /^firing/ }).click();
    expect(new URL(page.url()).searchParams.get('state')).toBe('firing');
    await row.waitFor();
    await page.getByRole('tab', { name: /^inactive/ }).click();
    await page.getByText('No alert is inactive right now').waitFor();
    await page.getByRole('tab', { name: 'All rules' }).click();
    await row.waitFor();
    await shotBoth('alerts-04-list-firing');
  });

  it('opens the rule and reads its history, on a table and on the chart', async () => {
    await page
      .locator(`tr[data-rule-id="${ruleId}"]`)
      .getByRole('link', { name: 'Checkout errors' })
      .click();
    const history = page.getByRole('table', { name: 'State changes' });
    await history.locator('tr', { hasText: 'firing' }).first().waitFor();
    const current = page.getByRole('table', { name: 'Current alerts' });
    expect(await current.locator('.alert-state').first().textContent()).toBe('firing');
    // Values and thresholds of an error rate read in percent.
    const firing = history.locator('tr', { hasText: 'firing' }).first();
    expect(await firing.locator('td.num').allTextContents()).toEqual(['50 %', '30.9 %']);
    const chart = page.locator('.alert-preview-chart');
    await chart.waitFor();
    await expect
      .poll(async () => Number(await chart.getAttribute('data-markers')), WAIT)
      .toBeGreaterThan(0);
    await shotBoth('alerts-05-rule');
  });

  it('silences the rule and expires the silence', async () => {
    await page.getByRole('link', { name: 'Silence…' }).click();
    expect(path()).toBe('/alerts');
    const silences = page.getByRole('region', { name: 'Silences' });
    await silences.getByRole('button', { name: 'Silence' }).waitFor();
    expect(await silences.locator('select').first().inputValue()).toBe(ruleId);
    await silences.getByPlaceholder('deploying the fix').fill('rolling back');
    await silences.getByRole('button', { name: 'Silence' }).click();
    const active = page.getByRole('table', { name: 'Active silences' });
    await active.locator('tr', { hasText: 'rolling back' }).waitFor();
    expect(await active.textContent()).toContain('Checkout errors');
    await page.locator(`tr[data-rule-id="${ruleId}"] .alert-silenced`).waitFor();
    await shotBoth('alerts-06-silenced');
    await active.getByRole('button', { name: 'Expire now' }).click();
    await page.getByText('Nothing is silenced').waitFor();
  });

  it('edits the rule: the form starts from it and saving goes back to the rule', async () => {
    await page.locator(`tr[data-rule-id="${ruleId}"]`).getByRole('link').first().click();
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    expect(path()).toBe(`/alerts/${encodeURIComponent(ruleId)}/edit`);
    const name = labelled('Name').locator('input');
    await expect.poll(() => name.inputValue(), WAIT).toBe('Checkout errors');
    expect(await labelled('Service').locator('select').inputValue()).toBe(SERVICE);
    expect(await labelled('Operation').locator('select').inputValue()).toBe('POST /pay');
    expect(await labelled('Threshold').locator('input').inputValue()).toBe('30.9');
    await name.fill('Checkout errors (strict)');
    await labelled('Threshold').locator('input').fill('90');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('heading', { name: 'Checkout errors (strict)' }).waitFor();
    expect(path()).toBe(`/alerts/${encodeURIComponent(ruleId)}`);
    expect(await page.locator('.alert-facts').textContent()).toContain('> 90 %');
    // Error rate 50 % is under the new threshold: the alert resolves.
    await expect
      .poll(
        () =>
          page
            .getByRole('table', { name: 'Current alerts' })
            .locator('.alert-state')
            .first()
            .textContent(),
        SLOW,
      )
      .toBe('resolved');
  });

  it('deletes the rule', async () => {
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Really delete' }).click();
    await page.getByText('No alert rules yet').waitFor();
    expect(path()).toBe('/alerts');
    const res = await fetch(`${s.apiUrl}/api/v1/alerts/rules/${encodeURIComponent(ruleId)}`);
    expect(res.status).toBe(404);
  });
});
