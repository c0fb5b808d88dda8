/**
 * `npm run bench dashboard`: time to first render of the heaviest views in headless Chromium,
 * against an all-in-one holding a 10,001-span trace and 6,000 logs. Two figures per view: wall
 * clock from `goto` to the rows being visible (what a user waits), and the page's own clock at
 * that moment (navigation start → rows, without the driver's round trips). Medians of several runs
 * after one warm-up; no assertions.
 */
import type { Page } from 'playwright-core';
import { startTestSightline } from '../../deploy/test/harness.ts';
import { buildDashboard } from '../scripts/build.ts';
import { bundleSize } from '../scripts/bundle-size.ts';
import { hex, launchBrowser, sendBigTrace, sendLogs } from '../test/e2e-support.ts';

const RUNS = 5;
const LOGS = 6000;
const TRACE = 'b'.repeat(8) + hex(7, 24);

interface Case {
  readonly name: string;
  readonly url: string;
  /** Visible once the view has drawn its rows. */
  readonly ready: string;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

async function measure(page: Page, c: Case): Promise<{ wallMs: number; pageMs: number }> {
  // A blank page between runs, so each one is a full navigation and render.
  await page.goto('about:blank');
  const started = performance.now();
  await page.goto(c.url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    // Runs in the page; typed without the DOM library because scripts/bench.ts (checked by the
    // root tsconfig, which has no DOM types) imports this file.
    (sel) =>
      (
        globalThis as unknown as { document: { querySelector(s: string): unknown } }
      ).document.querySelector(sel)
        ? performance.now()
        : null,
    c.ready,
    { polling: 'raf', timeout: 60_000 },
  );
  const wallMs = performance.now() - started;
  const pageMs = Number(await handle.jsonValue());
  return { wallMs, pageMs };
}

export async function run(): Promise<void> {
  console.log(
    `\n## dashboard render — headless Chromium, 10,001-span trace, ${LOGS} logs, median of ${RUNS} runs after a warm-up`,
  );
  await buildDashboard();
  const size = bundleSize();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  console.log(
    `\nProduction bundle: initial JS ${kb(size.initialJsGzipBytes)} gzip (${kb(size.initialJsBytes)} raw, ` +
      `${size.initialFiles.join(', ')}; goal ≤ 350 KB gzip), all JS ${kb(size.allJsGzipBytes)} gzip, CSS ${kb(size.cssGzipBytes)} gzip.\n`,
  );
  const s = await startTestSightline();
  const browser = await launchBrowser();
  try {
    const base = Date.now();
    await sendBigTrace(s.otlpUrl, base, TRACE);
    await sendLogs(s.otlpUrl, base, {
      service: 'bench',
      count: LOGS,
      everyMs: 500,
      prefix: 'bench line',
    });
    const cases: Case[] = [
      { name: 'trace view (10,001 spans)', url: `${s.apiUrl}/traces/${TRACE}`, ready: '.wf-row' },
      {
        name: `logs table (first 500 of ${LOGS}, histogram, facets)`,
        url: `${s.apiUrl}/logs?range=1h&q=service:bench`,
        ready: '.log-row',
      },
      {
        name: 'service map',
        url: `${s.apiUrl}/services?range=1h&view=map`,
        ready: '.map-node',
      },
    ];
    // What the browser waits for first: the API answers on their own, fetched from Node.
    const apiMs = async (path: string) => {
      const t = performance.now();
      const res = await fetch(`${s.apiUrl}/api/v1${path}`);
      await res.arrayBuffer();
      return performance.now() - t;
    };
    const api = {
      trace: median(await Promise.all([0, 1, 2].map(() => apiMs(`/traces/${TRACE}`)))),
      logs: median(
        await Promise.all([0, 1, 2].map(() => apiMs('/logs?q=service:bench&limit=500'))),
      ),
    };
    console.log(
      '| view | wall ms (goto → rows) | in-page ms (navigation → rows) | min wall | max wall |',
    );
    console.log('|---|---:|---:|---:|---:|');
    for (const c of cases) {
      await measure(browser.page, c);
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(browser.page, c));
      const wall = runs.map((r) => r.wallMs);
      console.log(
        `| ${c.name} | ${median(wall).toFixed(0)} | ${median(runs.map((r) => r.pageMs)).toFixed(0)} | ${Math.min(...wall).toFixed(0)} | ${Math.max(...wall).toFixed(0)} |`,
      );
    }
    console.log(
      `\nAPI alone (median of 3, concurrent): trace ${api.trace.toFixed(0)} ms, first log page ${api.logs.toFixed(0)} ms.`,
    );
  } finally {
    await browser.close();
    await s.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
