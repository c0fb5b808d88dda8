export interface Flushable {
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

/**
 * Flushes telemetry when the process is told to stop, without taking over how it stops:
 *
 * - a signal with no other listener: shut the SDK down (bounded by `timeoutMs`), then re-raise
 *   the signal with our listener removed, so the process dies of it exactly as it would have;
 * - a signal the app also listens to: the app decides when to exit, so only flush now; the rest
 *   goes at `beforeExit` once the app's own handler has let the event loop drain. An app that
 *   calls `process.exit()` itself should `await shutdown()` first.
 * - `beforeExit` (the loop ran dry): shut down, so short scripts lose nothing either.
 *
 * Returns a function that removes the listeners.
 */
export function installExitHooks(
  sdk: Flushable,
  signals: readonly NodeJS.Signals[],
  timeoutMs: number,
): () => void {
  let shuttingDown = false;
  const shutdownOnce = (): Promise<void> => {
    shuttingDown = true;
    return sdk.shutdown();
  };

  const onBeforeExit = (): void => {
    if (!shuttingDown) void shutdownOnce();
  };

  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of signals) {
    const handler = (): void => {
      if (process.listenerCount(signal) > 1) {
        void sdk.forceFlush();
        return;
      }
      void withTimeout(shutdownOnce(), timeoutMs).finally(() => {
        process.removeListener(signal, handler);
        // Another listener may have been added meanwhile; then it is the app's call again.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  process.on('beforeExit', onBeforeExit);

  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    process.removeListener('beforeExit', onBeforeExit);
  };
}

/** Resolves when `promise` settles or after `ms`, whichever is first; never rejects. */
export function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
