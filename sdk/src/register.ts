/**
 * Preload entry: `node --import @sightline/sdk/register app.js` (with tsx:
 * `node --import tsx --import @sightline/sdk/register app.ts`). It installs the ESM loader hook
 * before the app's first import, so packages the app imports statically (express, kafkajs) can
 * be instrumented, then calls `init()` configured from the OTEL_* / SIGHTLINE_* environment.
 */
import { registerEsmHooks } from './esm-hooks.ts';
import { init } from './init.ts';

registerEsmHooks();
init();
