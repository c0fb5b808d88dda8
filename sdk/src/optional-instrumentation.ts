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
  create: (loaded: unknown) => Instrumentation;
}

/**
 * An instrumentation shipped as an optional peer dependency, so an app that does not use its
 * framework neither installs it nor sees the framework's types. Loaded only when the target
 * module is installed; if the target is there but the instrumentation package is not, warn.
 */
export function loadOptionalInstrumentation(
  { target, packageName, create }: OptionalInstrumentation,
  loader: ModuleLoader = nodeModuleLoader,
): Instrumentation | undefined {
  if (!loader.isInstalled(target)) return undefined;
  let loaded: unknown;
  try {
    loaded = loader.load(packageName);
  } catch (error) {
    reportSdkProblem(
      new SightlineSdkError(
        'SL_ERR_SDK_INSTRUMENTATION_MISSING',
        `${target} is installed but ${packageName} is not (${describeError(error)}): ` +
          `${target} gets no spans of its own; run \`npm install ${packageName}\``,
        { cause: error },
      ),
    );
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
