import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import { buildDashboard } from '../scripts/build.ts';
import { launchBrowser, type Browser } from './e2e-support.ts';

/** Where browser tests leave their screenshots. */
export const SHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

export interface E2e {
  readonly sightline: RunningSightline;
  readonly browser: Browser;
  readonly page: Page;
}

export interface E2eOptions {
  /** Starts Sightline; by default the test configuration. */
  readonly start?: () => Promise<RunningSightline>;
  /** The file's data, sent once Sightline runs and before the browser opens. */
  readonly send?: (s: RunningSightline) => Promise<void>;
  /** Called with everything started, before the first test (set the file's variables here). */
  readonly ready: (e: E2e) => void | Promise<void>;
  /** Screenshots of failed tests are named `<prefix><test name>`. */
  readonly failurePrefix?: string;
  readonly setUpTimeoutMs?: number;
}

/**
 * The set-up every browser-test file shares: the dashboard built, a Sightline started and given the
 * file's data, a headless Chromium opened; a screenshot of the page whenever a test fails; the
 * browser and Sightline closed at the end. Returns `shot(name)`, a full-page screenshot.
 */
export function useE2e(opts: E2eOptions): { shot: (name: string) => Promise<unknown> } {
  let sightline: RunningSightline | undefined;
  let browser: Browser | undefined;
  const shot = async (name: string) =>
    browser?.page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildDashboard();
    sightline = await (opts.start ?? startTestSightline)();
    await opts.send?.(sightline);
    browser = await launchBrowser();
    await opts.ready({ sightline, browser, page: browser.page });
  }, opts.setUpTimeoutMs ?? 240_000);
  afterAll(async () => {
    await browser?.close();
    await sightline?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && browser) {
      const name = `${opts.failurePrefix ?? 'FAILED-'}${task.name.replace(/\W+/g, '-')}`;
      await shot(name).catch(() => undefined);
    }
  });
  return { shot };
}
