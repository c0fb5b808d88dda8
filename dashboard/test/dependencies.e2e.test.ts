import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { breakerOpenRule } from '@sightline/model/api/alert-templates';
import type { AlertRule } from '@sightline/model/api/alerts';
import type { ServiceDependenciesResponse } from '@sightline/model/api/dependencies';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import { hex, nanos, postOtlp, resource, str, tracesBody, type SpanSpec } from './e2e-support.ts';
import { useE2e } from './e2e-hooks.ts';

const BASE = Date.now();
const CALLS = 40;

let s: RunningSightline;
let page: Page;

/** The metrics the SDK's circuitBreaker() reports: one state a minute up to now, calls by outcome. */
const sendBreaker = (
  service: string,
  name: string,
  states: number[],
  calls: Record<string, number>,
): Promise<void> =>
  postOtlp(s.otlpUrl, '/v1/metrics', {
    resourceMetrics: [
      {
        resource: resource(service),
        scopeMetrics: [
          {
            scope: { name: '@sightline/sdk' },
            metrics: [
              {
                name: 'circuit_breaker.state',
                gauge: {
                  dataPoints: states.map((v, i) => ({
                    timeUnixNano: nanos(BASE, (i - states.length) * 60_000),
                    asDouble: v,
                    attributes: [str('circuit_breaker.name', name)],
                  })),
                },
              },
              {
                name: 'circuit_breaker.calls',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: Object.entries(calls).map(([outcome, n]) => ({
                    startTimeUnixNano: nanos(BASE, -30 * 60_000),
                    timeUnixNano: nanos(BASE, -60_000),
                    asInt: String(n),
                    attributes: [str('circuit_breaker.name', name), str('outcome', outcome)],
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  });

/**
 * checkout → payments (HTTP) and → PostgreSQL, every 4th payment failing; checkout's breaker
 * `payments-api` opened five minutes ago and is still open, cart's `inventory-db` is closed.
 */
async function sendData(): Promise<void> {
  const checkout: SpanSpec[] = [];
  const payments: SpanSpec[] = [];
  for (let i = 0; i < CALLS; i++) {
    const traceId = 'd'.repeat(8) + hex(i, 24);
    const start = -20 * 60_000 + i * 20_000;
    const [root, pay, query, server] = [1, 2, 3, 4].map((k) => hex(i * 10 + k, 16)) as [
      string,
      string,
      string,
      string,
    ];
    const failed = i % 4 === 0 ? 'payment declined' : undefined;
    checkout.push(
      { traceId, spanId: root, name: 'POST /checkout', kind: 2, startMs: start, durMs: 80 },
      {
        traceId,
        spanId: query,
        parentSpanId: root,
        name: 'SELECT shop',
        kind: 3,
        startMs: start + 1,
        durMs: 5 + (i % 3),
        attributes: [
          str('db.system.name', 'postgresql'),
          str('server.address', 'db.internal'),
          str('server.port', '5432'),
        ],
      },
      {
        traceId,
        spanId: pay,
        parentSpanId: root,
        name: 'POST',
        kind: 3,
        startMs: start + 10,
        durMs: 60,
        error: failed,
        // Made inside checkout's breaker: the SDK names it on the client span.
        attributes: [
          str('server.address', 'payments.internal'),
          str('server.port', '8080'),
          str('circuit_breaker.name', 'payments-api'),
        ],
      },
    );
    payments.push({
      traceId,
      spanId: server,
      parentSpanId: pay,
      name: 'POST /pay',
      kind: 2,
      startMs: start + 12,
      durMs: 55,
      error: failed,
    });
  }
  await postOtlp(s.otlpUrl, '/v1/traces', tracesBody(BASE, 'checkout', checkout));
  await postOtlp(s.otlpUrl, '/v1/traces', tracesBody(BASE, 'payments', payments));

  await sendBreaker('checkout', 'payments-api', [0, 0, 0, 0, 0, 2, 2, 2, 2, 2], {
    success: 30,
    failure: 10,
    rejected: 25,
  });
  await sendBreaker('cart', 'inventory-db', [0, 0, 0], { success: 50 });
}

const { shot } = useE2e({
  start: async () => (s = await startTestSightline()),
  send: sendData,
  ready: (e) => {
    page = e.page;
  },
});

describe('dependencies and circuit breakers in a real browser', { timeout: 120_000 }, () => {
  it('lists checkout’s dependencies worst first, with the open breaker on top', async () => {
    await page.goto(`${s.apiUrl}/services/checkout?range=1h`);
    await page.getByRole('link', { name: 'Dependencies' }).click();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('dependencies');
    const rows = page.locator('table[aria-label="Dependencies"] tbody tr');
    await rows.first().waitFor();
    const names = await rows.locator('td:first-child').allTextContents();
    expect(names).toEqual(['payments-api', 'payments', 'postgresql db.internal:5432']);
    const breakerRow = rows.nth(0);
    expect(await breakerRow.locator('[data-state]').getAttribute('data-state')).toBe('open');
    expect(await breakerRow.textContent()).toContain('Breaker');
    // Open since its first "open" sample five minutes before BASE, until now.
    const open = /open (\d+\.\d) min/.exec((await breakerRow.textContent()) ?? '');
    const expected = (Date.now() - (BASE - 5 * 60_000)) / 60_000;
    expect(Math.abs(Number(open?.[1]) - expected)).toBeLessThan(0.3);
    // Its sparklines: calls, errors, and its state over the range (open for the last five minutes).
    expect(await breakerRow.locator('.sparkline').count()).toBe(3);
    await breakerRow
      .getByRole('img', { name: 'payments-api state (0 closed, 1 half-open, 2 open)' })
      .waitFor();
    const res = await fetch(
      `${s.apiUrl}/api/v1/services/checkout/dependencies?from=${Date.now() - 3_600_000}`,
    );
    const body = (await res.json()) as ServiceDependenciesResponse;
    const states = body.dependencies.find((d) => d.name === 'payments-api')?.breaker?.stateSeries;
    const reported = (states ?? []).map(([, v]) => v).filter((v) => v !== null);
    expect(reported.at(-1)).toBe(2);
    expect(reported).toContain(0);
    const paymentsRow = rows.nth(1);
    expect(await paymentsRow.textContent()).toContain('25.0%');
    expect(await paymentsRow.locator('.sparkline').count()).toBe(3);
    await shot('60-dependencies');
    // A dependency opens the traces of the calls made to it.
    await rows.nth(2).getByRole('link').click();
    const url = new URL(page.url());
    expect(url.pathname).toBe('/traces');
    expect(url.searchParams.get('service')).toBe('checkout');
    expect(url.searchParams.get('q')).toBe(
      'db.system.name:postgresql server.address:db.internal server.port:5432',
    );
  });

  it('shows every breaker in the grid, the open one first and red, and refreshes', async () => {
    await page.goto(`${s.apiUrl}/breakers?range=1h`);
    const tiles = page.locator('.breaker-tile');
    await tiles.first().waitFor();
    expect(await tiles.evaluateAll((ts) => ts.map((t) => t.getAttribute('data-breaker')))).toEqual([
      'payments-api',
      'inventory-db',
    ]);
    const open = tiles.nth(0);
    expect(await open.locator('[data-state]').textContent()).toBe('OPEN');
    expect(await open.locator('circle').getAttribute('fill')).toBe('var(--error)');
    expect(await tiles.nth(1).locator('circle').getAttribute('fill')).toBe('var(--ok)');
    expect(await open.textContent()).toContain('checkout');
    await shot('61-breaker-grid');
    // The grid polls: a breaker reported for the first time appears without a reload.
    await sendBreaker('search', 'index-api', [0, 1], { success: 3, timeout: 1 });
    await page.locator('[data-breaker="index-api"] [data-state="half-open"]').waitFor();
    expect(await tiles.count()).toBe(3);
  });

  it('draws the database as a node and the call behind the open breaker dashed on the map', async () => {
    await page.goto(`${s.apiUrl}/services?view=map&range=1h`);
    const db = page.locator('[data-service="postgresql db.internal:5432"]');
    await db.waitFor();
    expect(await db.getAttribute('data-kind')).toBe('database');
    expect(await db.locator('rect').count()).toBe(1);
    const guarded = page.locator('line[data-caller="checkout"][data-callee="payments"]');
    expect(await guarded.getAttribute('data-breaker')).toBe('open');
    const dash = (el: SVGElement | HTMLElement) => getComputedStyle(el).strokeDasharray;
    expect(await guarded.evaluate(dash)).not.toBe('none');
    const toDb = page.locator(
      'line[data-caller="checkout"][data-callee="postgresql db.internal:5432"]',
    );
    expect(await toDb.getAttribute('data-breaker')).toBeNull();
    expect(await toDb.evaluate(dash)).toBe('none');
    expect(await page.locator('.map-breaker-label').allTextContents()).toEqual(['⊘ breaker open']);
    // React listens for mouseover; the line is a few pixels wide under a label.
    await guarded.dispatchEvent('mouseover');
    expect(await page.getByRole('tooltip').textContent()).toContain('breaker payments-api: open');
    await shot('62-service-map-stores-breaker');
  });

  it('creates a "circuit breaker open for more than N minutes" rule from the editor’s template', async () => {
    await page.goto(`${s.apiUrl}/alerts/new`);
    const templates = page.getByRole('region', { name: 'Templates' });
    await templates.getByLabel('Open for more than (min)').fill('2');
    await templates.getByLabel('Service').fill('checkout');
    await templates.getByLabel('Breaker').fill('payments-api');
    await templates.getByRole('button', { name: /circuit breaker open/ }).click();
    await expect
      .poll(() => page.getByLabel('Name', { exact: true }).inputValue())
      .toBe('payments-api open for more than 2m');
    await shot('63-alert-template-breaker');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.getByRole('heading', { name: 'payments-api open for more than 2m' }).waitFor();
    const res = await fetch(`${s.apiUrl}/api/v1/alerts/rules`);
    const { rules } = (await res.json()) as { rules: AlertRule[] };
    const rule = rules.find((r) => r.name === 'payments-api open for more than 2m');
    // Exactly the template's rule: the form changed nothing on the way.
    const expected = breakerOpenRule({ minutes: 2, service: 'checkout', breaker: 'payments-api' });
    expect(rule).toMatchObject({ ...expected, enabled: true, labels: {} });
  });
});
