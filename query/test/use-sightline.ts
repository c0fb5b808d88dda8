import { afterAll, beforeAll } from 'vitest';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';

/**
 * One Sightline per test file: vitest runs every file in its own process, so each file that calls
 * `useSightline()` starts its own instance before its tests (then runs `setup`, e.g. to send the
 * data the file shares) and closes it after them. Helpers reach it through `sightline()`.
 */
let current: RunningSightline | undefined;

export function useSightline(setup?: () => Promise<void>): void {
  beforeAll(async () => {
    current = await startTestSightline();
    if (setup) await setup();
  });
  afterAll(async () => current?.close());
}

/** The instance `useSightline()` started for this file. */
export function sightline(): RunningSightline {
  if (!current) throw new Error('sightline(): call useSightline() at the top of the test file');
  return current;
}

/** A JSON request to `/api/v1<path>` of this file's instance; the answer's status and parsed body. */
export async function callApi(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sightline().apiUrl}/api/v1${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}
