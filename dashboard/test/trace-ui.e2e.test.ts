import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { useE2e } from './e2e-hooks.ts';
import { hex, postOtlp, tracesBody, type SpanSpec } from './e2e-support.ts';

// The trace pages as a user meets them: every match on the scatter, a sortable table, the
// trace-ID box, one time format with a local/UTC switch, and the waterfall's hover, search,
// flame graph and comparison.

const BASE_MS = Date.now();
const A = 'a1'.repeat(16);
const B = 'b2'.repeat(16);
const LONG = `render product recommendations for the storefront home page ${'carousel '.repeat(6)}end`;
const MANY = 150; // more than the table's first page of 100

let s: RunningSightline;
let page: Page;

/** A checkout: the root, auth, two db queries, a long-named render; B drops auth and is slower. */
function checkout(traceId: string, variant: 'a' | 'b'): SpanSpec[] {
  const at = -10 * 60_000 + (variant === 'a' ? 0 : 60_000);
  const id = (n: number) => hex(n, 14) + (variant === 'a' ? 'aa' : 'bb');
  const spans: SpanSpec[] = [
    { traceId, spanId: id(1), name: 'POST /checkout', kind: 2, startMs: at, durMs: 120 },
    {
      traceId,
      spanId: id(3),
      parentSpanId: id(1),
      name: 'query',
      kind: 3,
      startMs: at + 12,
      durMs: 20,
    },
    {
      traceId,
      spanId: id(4),
      parentSpanId: id(1),
      name: 'query',
      kind: 3,
      startMs: at + 40,
      durMs: variant === 'a' ? 20 : 70,
    },
    {
      traceId,
      spanId: id(5),
      parentSpanId: id(1),
      name: LONG,
      kind: 1,
      startMs: at + 112,
      durMs: 5,
    },
  ];
  if (variant === 'a')
    spans.push({
      traceId,
      spanId: id(2),
      parentSpanId: id(1),
      name: 'auth',
      kind: 1,
      startMs: at + 1,
      durMs: 10,
    });
  return spans;
}

async function sendData(): Promise<void> {
  const many: SpanSpec[] = [];
  for (let i = 0; i < MANY; i++) {
    const traceId = 'f0'.repeat(4) + hex(i, 24);
    many.push({
      traceId,
      spanId: hex(0x1000 + i, 16),
      name: 'GET /item',
      kind: 2,
      startMs: -40 * 60_000 + i * 10_000,
      durMs: 5 + (i % 50),
      ...(i % 10 === 0 ? { error: 'boom' } : {}),
    });
  }
  await postOtlp(s.otlpUrl, '/v1/traces', tracesBody(BASE_MS, 'shop-web', many));
  await postOtlp(
    s.otlpUrl,
    '/v1/traces',
    tracesBody(BASE_MS, 'checkout', [...checkout(A, 'a'), ...checkout(B, 'b')]),
  );
}

const e2e = useE2e({
  send: async (r) => {
    s = r;
    await sendData();
  },
  ready: (e) => {
    page = e.page;
  },
  failurePrefix: 'FAILED-trace-ui-',
});
const shot = (name: string) => e2e.shot(`trace-ui-${name}`);
const ISO = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/;
const range = `from=${new Date(BASE_MS - 3_600_000).toISOString()}&to=${new Date(BASE_MS + 60_000).toISOString()}`;
const cell = (row: number, col: number) =>
  page.locator(`.traces-table tbody tr:nth-child(${row}) td:nth-child(${col})`).innerText();

describe('trace pages in a real browser', { timeout: 180_000 }, () => {
  it('plots every match on the scatter and sorts the table by start, duration, spans, errors', async () => {
    await page.goto(`${s.apiUrl}/traces?${range}`);
    await page.locator('.traces-table tbody tr').first().waitFor();
    const total = MANY + 2;
    await page.getByText(`all ${total} matching traces in the range`).waitFor();
    expect(await page.locator('[data-testid="trace-scatter"] circle.dot').count()).toBe(total);
    expect(await page.locator('.traces-table tbody tr').count()).toBe(100);
    await shot('01-search');

    await page.getByRole('button', { name: 'Duration' }).click();
    await page.locator('th[aria-sort="descending"]', { hasText: 'Duration' }).waitFor();
    expect(await cell(1, 3)).toBe('120 ms'); // the checkout traces are the longest loaded
    await page.getByRole('button', { name: 'Duration' }).click();
    await page.locator('th[aria-sort="ascending"]', { hasText: 'Duration' }).waitFor();
    expect(await cell(1, 3)).toBe('5.00 ms');
    await page.getByRole('button', { name: 'Spans' }).click();
    expect(await cell(1, 4)).toBe('5');
    await page.getByRole('button', { name: 'Errors' }).click();
    expect(await cell(1, 6)).toBe('1');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('th[aria-sort="ascending"]', { hasText: 'Start' }).waitFor();
    const first = await cell(1, 2);
    const second = await cell(2, 2);
    expect(first).toMatch(ISO);
    expect(first < second).toBe(true);
    expect(page.url()).toContain('sort=start');
  });

  it('writes times as 24-hour ISO, local or UTC by one switch that every page follows and remembers', async () => {
    // A zone 5 h 30 min from UTC, so local and UTC times differ whatever the machine's zone.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Asia/Kolkata' });
    await page.goto(`${s.apiUrl}/traces/${A}`);
    const summary = page.locator('p.summary').first();
    await summary.waitFor();
    const local = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}/.exec(await summary.innerText())?.[0];
    expect(local).toBeDefined();
    const sw = page.getByRole('button', { name: 'Time zone' });
    expect(await sw.innerText()).toBe('Local time');
    await sw.click();
    expect(await sw.innerText()).toBe('UTC');
    const utc = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}/.exec(await summary.innerText())?.[0];
    expect(
      Date.parse(`${local?.replace(' ', 'T')}Z`) - Date.parse(`${utc?.replace(' ', 'T')}Z`),
    ).toBe(5.5 * 3_600_000);
    // The trace's start as the API has it, written in UTC.
    expect(utc).toBe(new Date(BASE_MS - 10 * 60_000).toISOString().replace('T', ' ').slice(0, 23));
    // Remembered, and followed by the trace search page too.
    await page.goto(`${s.apiUrl}/traces?${range}&sort=-spans`);
    expect(await page.getByRole('button', { name: 'Time zone' }).innerText()).toBe('UTC');
    await page.locator('.traces-table tbody tr').first().waitFor();
    expect(await cell(1, 2)).toBe(utc);
    await shot('02-utc');
    await page.getByRole('button', { name: 'Time zone' }).click();
    expect(await cell(1, 2)).toBe(local);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: '' });
  });

  it('opens a pasted trace id from the box on every page', async () => {
    await page.goto(`${s.apiUrl}/services?${range}`);
    const box = page.getByRole('textbox', { name: 'Trace ID', exact: true });
    await box.fill('not a trace');
    await box.press('Enter');
    await page
      .getByRole('alert')
      .filter({ hasText: 'A trace ID is 32 hexadecimal characters' })
      .waitFor();
    await box.fill(`00-${A.toUpperCase()}-00f067aa0ba902b7-01`);
    await box.press('Enter');
    await page.waitForURL(new RegExp(`/traces/${A}`));
    await page.getByRole('heading', { name: 'checkout: POST /checkout' }).waitFor();
    await page.goto(`${s.apiUrl}/logs?${range}`);
    await page.getByRole('textbox', { name: 'Trace ID', exact: true }).fill(B);
    await page.getByRole('textbox', { name: 'Trace ID', exact: true }).press('Enter');
    await page.waitForURL(new RegExp(`/traces/${B}`));
  });

  it('shows full span names on hover, finds spans within the trace and steps through them', async () => {
    await page.goto(`${s.apiUrl}/traces/${A}`);
    const longRow = page.locator('.wf-row', { hasText: 'render product' });
    await longRow.waitFor();
    const name = longRow.locator('.wf-name-col');
    expect(await name.getAttribute('title')).toContain(`checkout: ${LONG}`);
    // The name is cut on the row itself: the hover is how it is read in full.
    const op = longRow.locator('.wf-op');
    expect(await op.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await name.hover();

    const find = page.getByRole('searchbox', { name: 'Find in trace' });
    await find.fill('query');
    const count = page.getByTestId('find-count');
    expect(await count.innerText()).toBe('– of 2 matching spans');
    expect(await page.locator('.wf-row.match').count()).toBe(2);
    await page.getByRole('button', { name: 'Next match' }).click();
    expect(await count.innerText()).toBe('1 of 2 matching spans');
    expect(await page.locator('.wf-row.match-current').getAttribute('data-span-id')).toBe(
      hex(3, 14) + 'aa',
    );
    await page.getByRole('button', { name: 'Next match' }).click();
    expect(await count.innerText()).toBe('2 of 2 matching spans');
    await page.getByRole('button', { name: 'Next match' }).click();
    expect(await count.innerText()).toBe('1 of 2 matching spans');
    await page.getByRole('button', { name: 'Previous match' }).click();
    expect(await count.innerText()).toBe('2 of 2 matching spans');
    expect(await page.locator('.wf-row.match-current').getAttribute('data-span-id')).toBe(
      hex(4, 14) + 'aa',
    );
    await shot('03-waterfall-find');
    await find.fill('nothing like this');
    expect(await count.innerText()).toBe('no matching spans');
    expect(await page.locator('.wf-row.match').count()).toBe(0);
  });

  it('draws the same trace as a flame graph', async () => {
    await page.goto(`${s.apiUrl}/traces/${A}`);
    await page.getByRole('button', { name: 'Flame graph' }).click();
    const flame = page.getByRole('figure', { name: 'Flame graph' });
    await flame.waitFor();
    expect(page.url()).toContain('view=flame');
    const spans = flame.locator('.flame-span');
    expect(await spans.count()).toBe(5);
    const root = flame.locator(`[data-span-id="${hex(1, 14)}aa"]`);
    const q2 = flame.locator(`[data-span-id="${hex(4, 14)}aa"]`);
    const rb = await root.boundingBox();
    const qb = await q2.boundingBox();
    // Children one level under their parent, as wide as their share of its time.
    expect(qb!.y - rb!.y).toBeCloseTo(20, 0);
    expect(qb!.width / rb!.width).toBeCloseTo(20 / 120, 1);
    expect(await root.getAttribute('title')).toBe('checkout: POST /checkout · 120 ms');
    await page.getByRole('searchbox', { name: 'Find in trace' }).fill('auth');
    expect(await flame.locator('.flame-span.match').count()).toBe(1);
    expect(await flame.locator('.flame-span.dim').count()).toBe(4);
    await shot('04-flame-graph');
    await root.click();
    await page
      .getByRole('button', { name: /^Close/ })
      .first()
      .waitFor();
    expect(page.url()).toContain(`span=${hex(1, 14)}aa`);
  });

  it('compares two traces side by side and marks what differs', async () => {
    await page.goto(`${s.apiUrl}/traces/${A}`);
    const input = page.getByRole('textbox', { name: 'Compare with trace ID' });
    await input.fill(B);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const summary = page.getByTestId('compare-summary');
    await summary.waitFor();
    expect(page.url()).toContain(`compare=${B}`);
    expect(await summary.innerText()).toContain(
      '1 spans only in A · 0 only in B · 1 durations differ by more than 10 %',
    );
    const table = page.getByRole('table', { name: 'Trace comparison' });
    const diffs = await table
      .locator('.cmp-row[data-diff]')
      .evaluateAll((rows) =>
        rows.map(
          (r) => `${r.querySelector('.cmp-name')?.textContent} ${r.getAttribute('data-diff')}`,
        ),
      );
    expect(diffs).toEqual([
      'checkout: POST /checkout same',
      'checkout: auth only-a',
      'checkout: query same',
      'checkout: query slower',
      `checkout: ${LONG} same`,
    ]);
    expect(await table.locator('.cmp-row.diff-slower .cmp-delta').allInnerTexts()).toEqual([
      '+50.0 ms',
    ]);
    await shot('05-compare');
    await page.getByRole('link', { name: 'Close comparison' }).click();
    await page.locator('.wf-row').first().waitFor();
  });
});
