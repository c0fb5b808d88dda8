/**
 * Preload entry: `node --import @sightline/sdk/register app.js` (ES modules) or
 * `node --require @sightline/sdk/register app.js` (CommonJS). It installs the ESM loader hook
 * before the app's first import, so packages the app imports statically (express, kafkajs) can
 * be instrumented, then calls `init()` configured from the OTEL_* / SIGHTLINE_* environment.
 */
import { isMainThread } from 'node:worker_threads';
import { registerEsmHooks } from './esm-hooks.ts';
import { init } from './init.ts';

// A `--require` preload also runs inside Node's module-hooks thread (and in worker threads that
// inherit the flags): one SDK per process, started on the main thread only.
if (isMainThread) {
  registerEsmHooks();
  init();
}
