import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { describeError, reportSdkProblem, SightlineSdkError } from './errors.ts';

const sdkRequire = createRequire(import.meta.url);

/** How modules are found and loaded; tests pass their own. */
export interface ModuleLoader {
  /** Whether the app can load `name` (from the SDK's folder or the app's working directory). */
  isInstalled(name: string): boolean;
  load(name: string): unknown;
}

function resolvable(name: string, from: NodeJS.Require): boolean {
  try {
    from.resolve(name);
    return true;
  } catch {
    return false;
  }
}

export const nodeModuleLoader: ModuleLoader = {
  isInstalled: (name) =>
    resolvable(name, sdkRequire) ||
    // Strict layouts (pnpm) let the SDK see only its own dependencies, not the app's.
    resolvable(name, createRequire(join(process.cwd(), 'package.json'))),
  load: (name): unknown => sdkRequire(name) as unknown,
};

export interface OptionalInstrumentation {
  /** The module it instruments, e.g. `fastify`: without it nothing is loaded. */
  target: string;
  /** The instrumentation package, an optional peer dependency of the SDK. */
  packageName: string;
  /**
   * A diagnostics channel the target publishes on when the app uses it: the warning about a
   * missing package waits for its first message, so an app that merely has the module installed
   * (a dependency of a dependency, a monorepo neighbour's) hears nothing.
   */
  usedChannel?: string;
  create: (loaded: unknown) => Instrumentation;
}

/**
 * An instrumentation shipped as an optional peer dependency, so an app that does not use its
 * framework neither installs it nor sees the framework's types. Loaded only when the target
 * module is installed; if the target is used but the instrumentation package is missing, warn.
 */
/** Runs `act` once, on the first message published on channel `name`. */
function onFirstMessage(name: string, act: () => void): void {
  let done = false;
  const onMessage = (): void => {
    if (done) return;
    done = true;
    act();
    // Not while the channel is publishing: removing a subscriber then could skip the next one.
    queueMicrotask(() => unsubscribe(name, onMessage));
  };
  subscribe(name, onMessage);
}

export function loadOptionalInstrumentation(
  { target, packageName, usedChannel, create }: OptionalInstrumentation,
  loader: ModuleLoader = nodeModuleLoader,
): Instrumentation | undefined {
  if (!loader.isInstalled(target)) return undefined;
  let loaded: unknown;
  try {
    loaded = loader.load(packageName);
  } catch (error) {
    const warn = (): void =>
      reportSdkProblem(
        new SightlineSdkError(
          'SL_ERR_SDK_INSTRUMENTATION_MISSING',
          `${target} is in use but ${packageName} is not installed (${describeError(error)}): ` +
            `${target} gets no spans of its own; run \`npm install ${packageName}\``,
          { cause: error },
        ),
      );
    if (usedChannel === undefined) warn();
    else onFirstMessage(usedChannel, warn);
    return undefined;
  }
  try {
    return create(loaded);
  } catch (error) {
    reportSdkProblem(
      new SightlineSdkError(
        'SL_ERR_SDK_START_FAILED',
        `${packageName} could not start: ${describeError(error)}`,
        { cause: error },
      ),
    );
    return undefined;
  }
}
