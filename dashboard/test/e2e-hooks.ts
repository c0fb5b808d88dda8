import { afterAll, afterEach } from 'vitest';
import type { Browser } from './e2e-support.ts';

interface Opened {
  readonly browser: Browser | undefined;
  readonly sightline: { close(): Promise<void> } | undefined;
}

/**
 * For the calling browser-test file: a screenshot of the page whenever a test fails (named after
 * the test, next to the other screenshots), and the browser and Sightline closed at the end.
 */
export function closeAndShootFailures(
  opened: () => Opened,
  shot: (name: string) => Promise<unknown>,
  prefix = 'FAILED-',
): void {
  afterAll(async () => {
    const { browser, sightline } = opened();
    await browser?.close();
    await sightline?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && opened().browser) {
      await shot(`${prefix}${task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
    }
  });
}
