import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { useE2e } from './e2e-hooks.ts';
import { hex, postOtlp, tracesBody } from './e2e-support.ts';

// What a newcomer meets: the empty store's hints, then data from their services next to
// Sightline's own self-telemetry, which stays out of the way until asked for.

const SELF = 'sightline-all-in-one';
const BASE_MS = Date.now();
const OWN = 'c'.repeat(32);
const HOOK = 'd'.repeat(32);

let s: RunningSightline;
let page: Page;

/** shop-web → shop-api calls, and a self-telemetry trace of Sightline calling shop-api. */
async function sendData(): Promise<void> {
  const web = [];
  const api = [];
  for (let i = 0; i < 20; i++) {
    const traceId = 'e'.repeat(8) + hex(i, 24);
    const start = -30 * 60_000 + i * 90_000;
    web.push({
      traceId,
      spanId: hex(100 + i, 16),
      name: 'GET /',
      kind: 2,
      startMs: start,
      durMs: 40,
    });
    api.push({
      traceId,
      spanId: hex(200 + i, 16),
      parentSpanId: hex(100 + i, 16),
      name: 'GET /items',
      kind: 2,
      startMs: start + 5,
      durMs: 20,
      ...(i % 4 === 0 ? { error: 'boom' } : {}),
    });
  }
  // Sightline's own work, and an alert webhook of Sightline's answered by shop-api.
  const own = [
    {
      traceId: OWN,
      spanId: hex(1, 16),
      name: 'store insert',
      kind: 1,
      startMs: -60_000,
      durMs: 15,
    },
    { traceId: HOOK, spanId: hex(2, 16), name: 'webhook', kind: 3, startMs: -50_000, durMs: 9 },
  ];
  const ownCall = {
    traceId: HOOK,
    spanId: hex(3, 16),
    parentSpanId: hex(2, 16),
    name: 'POST /hook',
    kind: 2,
    startMs: -49_995,
    durMs: 5,
  };
  await postOtlp(s.otlpUrl, '/v1/traces', tracesBody(BASE_MS, 'shop-web', web));
  await postOtlp(s.otlpUrl, '/v1/traces', tracesBody(BASE_MS, 'shop-api', [...api, ownCall]));
  await postOtlp(s.otlpUrl, '/v1/traces', tracesBody(BASE_MS, SELF, own));
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${s.apiUrl}/api/v1${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

// The store starts empty: the first test looks at the hints, a later one sends the data.
const e2e = useE2e({
  ready: (e) => {
    s = e.sightline;
    page = e.page;
  },
});
const shot = (name: string) => e2e.shot(`first-hour-${name}`);

describe('the first hour in a real browser', { timeout: 120_000 }, () => {
  it('shows the endpoints this instance really listens on when the store is empty', async () => {
    await page.goto(`${s.apiUrl}/services`);
    await page.getByText('No services sent spans in this time range').waitFor();
    const hint = (await page.locator('.send-data-hint').textContent()) ?? '';
    expect(hint).toBe(
      `point an OpenTelemetry SDK at ${s.otlpUrl} (OTLP/HTTP, POST /v1/traces) or ${s.grpcUrl} (OTLP/gRPC)`,
    );
    expect(hint).not.toContain(':4318');
    await shot('01-services-empty');
    await page.getByRole('link', { name: 'Metrics' }).click();
    await page.getByText('No metrics in this time range').waitFor();
    expect(await page.locator('.send-data-hint').textContent()).toContain(
      `${s.otlpUrl} (OTLP/HTTP, POST /v1/metrics)`,
    );
  });

  it("leaves Sightline's own services out of the API unless asked", async () => {
    await sendData();
    const range = `from=${BASE_MS - 3_600_000}&to=${BASE_MS + 60_000}`;
    type Names = { services: string[] };
    expect((await getJson<Names>(`/services?${range}`)).services).toEqual(['shop-api', 'shop-web']);
    expect((await getJson<Names>(`/services?${range}&selfTelemetry=show`)).services).toEqual([
      'shop-api',
      'shop-web',
      SELF,
    ]);
    type Overview = { services: { service: string }[] };
    const names = (o: Overview) => o.services.map((x) => x.service).sort();
    expect(names(await getJson<Overview>(`/services/overview?${range}`))).toEqual([
      'shop-api',
      'shop-web',
    ]);
    expect(
      names(await getJson<Overview>(`/services/overview?${range}&selfTelemetry=show`)),
    ).toContain(SELF);
    type MapBody = { nodes: { service: string }[]; edges: { caller: string; callee: string }[] };
    const hidden = await getJson<MapBody>(`/services/map?${range}`);
    expect(hidden.nodes.map((n) => n.service).sort()).toEqual(['shop-api', 'shop-web']);
    expect(hidden.edges.map((e) => `${e.caller}>${e.callee}`)).toEqual(['shop-web>shop-api']);
    const shown = await getJson<MapBody>(`/services/map?${range}&selfTelemetry=show`);
    expect(shown.edges.map((e) => `${e.caller}>${e.callee}`).sort()).toEqual([
      'shop-web>shop-api',
      `${SELF}>shop-api`,
    ]);
    // A trace search leaves out Sightline's own spans: its own trace is gone, while the webhook
    // trace stays, found by shop-api's span in it.
    type Traces = { traces: { traceId: string }[] };
    const ids = (t: Traces) => t.traces.map((x) => x.traceId);
    const hiddenIds = ids(await getJson<Traces>(`/traces?${range}&limit=100`));
    expect(hiddenIds).toHaveLength(21);
    expect(hiddenIds).not.toContain(OWN);
    expect(hiddenIds).toContain(HOOK);
    expect(ids(await getJson<Traces>(`/traces?${range}&limit=100&selfTelemetry=show`))).toContain(
      OWN,
    );
    const bad = await fetch(`${s.apiUrl}/api/v1/services?selfTelemetry=yes`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('selfTelemetry');
  });

  it("hides Sightline's own services on every page until the toggle shows them", async () => {
    await page.goto(`${s.apiUrl}/services`);
    const rows = page.locator('.services-table tbody tr');
    await rows.first().waitFor();
    await expect.poll(() => rows.allTextContents()).toHaveLength(2);
    expect((await rows.allTextContents()).join()).not.toContain(SELF);
    const toggle = page.getByLabel("Show Sightline's own services");
    expect(await toggle.isChecked()).toBe(false);
    await shot('02-services-own-hidden');
    await toggle.check();
    await expect.poll(() => rows.allTextContents()).toHaveLength(3);
    expect((await rows.allTextContents()).join()).toContain(SELF);
    await shot('03-services-own-shown');

    // The choice holds on the Traces page too, and is undone there.
    await page.goto(`${s.apiUrl}/traces`);
    const options = page.getByLabel('Service').locator('option');
    await expect.poll(() => options.allTextContents()).toContain(SELF);
    await expect.poll(() => page.locator(`[data-trace-id="${OWN}"]`).count()).toBe(1);
    await page.getByLabel("Show Sightline's own services").uncheck();
    await expect.poll(() => options.allTextContents()).toEqual(['any', 'shop-api', 'shop-web']);
    await expect.poll(() => page.locator('.traces-table tbody tr').count()).toBe(21);
    expect(await page.locator(`[data-trace-id="${OWN}"]`).count()).toBe(0);
  });

  it('shows the current rate beside the average, unit headers, sortable columns, one colour per service', async () => {
    await page.goto(`${s.apiUrl}/services`);
    const table = page.locator('.services-table');
    await table.locator('tbody tr').first().waitFor();
    const heads = await table.locator('thead th').allTextContents();
    // The step follows the window (about 30 points); every header and the note name the same one.
    const step = /^Rate \(\/s, per (\d+ (?:s|min|h))\)$/.exec(heads[4] ?? '')?.[1];
    expect(step).toBeDefined();
    expect(heads).toEqual([
      'Service ▲',
      'Requests',
      'Avg rate',
      'Now',
      `Rate (/s, per ${step})`,
      'Error rate',
      `Errors (%, per ${step})`,
      'p95',
      `p95 (ms, per ${step})`,
    ]);
    const note = (await page.locator('.table-note').textContent()) ?? '';
    expect(note).toMatch(/^Avg rate: the whole window\. Now: the last complete /);
    expect(note).toContain(`Now: the last complete ${step} (`);
    expect(note).toMatch(
      /\(\d\d:\d\d:\d\d\.000–\d\d:\d\d:\d\d\.000\)\. Sparklines: one point per /,
    );
    for (const cell of await table.locator('td.current-rate').allTextContents())
      expect(cell).toMatch(/^\d+(\.\d+)?\/(s|min|h)$/);
    const order = () => table.locator('tbody tr td:first-child').allTextContents();
    expect(await order()).toEqual(['shop-api', 'shop-web']);
    // shop-web's requests take 40 ms, shop-api's 20 ms or less: p95 descending puts shop-web first.
    await table.getByRole('button', { name: 'p95' }).click();
    await expect.poll(order).toEqual(['shop-web', 'shop-api']);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('-p95');
    expect(await table.locator('th[aria-sort="descending"]').textContent()).toBe('p95 ▼');
    await shot('04-services-sorted');
    await table.getByRole('button', { name: 'p95 ▼' }).click();
    await expect.poll(order).toEqual(['shop-api', 'shop-web']);

    const swatch = (name: string) =>
      table
        .locator('tbody tr', { hasText: name })
        .locator('.swatch')
        .evaluate((e) => getComputedStyle(e).backgroundColor);
    const api = await swatch('shop-api');
    expect(api).not.toBe(await swatch('shop-web'));
    // The same colour on the Traces page.
    await page.getByRole('link', { name: 'Traces' }).click();
    const tag = page.locator('.traces-table .tag', { hasText: 'shop-api' }).first();
    await tag.waitFor();
    expect(await tag.evaluate((e) => getComputedStyle(e).borderColor)).toBe(api);
  });

  it('answers the keyboard: / searches, ? lists the shortcuts, Esc closes panels', async () => {
    await page.goto(`${s.apiUrl}/traces`);
    await page.locator('.traces-table').waitFor();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Search',
    );
    // Typed into the box, `?` is just a character; Esc leaves the box.
    await page.keyboard.type('?');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    expect(await dialog.locator('kbd').allTextContents()).toEqual(['/', 'Esc', '?']);
    await shot('05-shortcuts');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);

    await page.goto(`${s.apiUrl}/traces/${HOOK}?span=${hex(3, 16)}`);
    const close = page.getByRole('button', { name: 'Close span detail' });
    await close.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => close.count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('span')).toBeNull();
  });
});
