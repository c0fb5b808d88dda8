import { register } from 'node:module';
import { DB_CLIENT_PACKAGES } from './db-instrumentations.ts';

/**
 * CommonJS packages imported from an ES module never pass through `require`, so
 * require-in-the-middle cannot patch them; import-in-the-middle's loader hook can. The hook only
 * wraps the packages named here (wrapping everything slows start-up and breaks some modules).
 * Built-in http/https are patched through `require` instead (see instrumentations.ts).
 */
export const ESM_HOOKED_PACKAGES: readonly string[] = ['express', 'kafkajs', ...DB_CLIENT_PACKAGES];

const REGISTERED = Symbol.for('@sightline/sdk/esm-hooks-registered');

/**
 * Registers import-in-the-middle's loader once per process. It only affects modules imported
 * after this call: run it before the app's imports (`--import @sightline/sdk/register`).
 */
export function registerEsmHooks(): boolean {
  const holder = globalThis as { [REGISTERED]?: boolean };
  if (holder[REGISTERED] === true) return false;
  holder[REGISTERED] = true;
  register('import-in-the-middle/hook.mjs', import.meta.url, {
    data: { include: [...ESM_HOOKED_PACKAGES] },
  });
  return true;
}
