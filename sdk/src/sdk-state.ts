import type { BatchSink } from './log-shipper.ts';
import type { ResolvedConfig } from './options.ts';

/** What the rest of the SDK needs to know about a started `init()`. */
export interface StartedSdk {
  readonly config: ResolvedConfig;
  /** Where pino lines go to become OTel log records; undefined once shut down. */
  logSink: BatchSink | undefined;
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

// Kept on globalThis so two copies of this module (e.g. one loaded by a preload hook, one by the
// app) still share one SDK per process, as OTel's own globals do.
const KEY = Symbol.for('@sightline/sdk/state');
const holder = globalThis as { [KEY]?: StartedSdk };

export function getStartedSdk(): StartedSdk | undefined {
  return holder[KEY];
}

export function setStartedSdk(sdk: StartedSdk | undefined): void {
  holder[KEY] = sdk;
}
