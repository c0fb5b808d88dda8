import type FastifyOtel from '@fastify/otel';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { channel } from 'node:diagnostics_channel';
import { describe, expect, it, vi } from 'vitest';
import { captureWarnings, nextTick } from '../test/helpers.ts';
import {
  loadOptionalInstrumentation,
  nodeModuleLoader,
  type ModuleLoader,
} from './optional-instrumentation.ts';

const warnings = captureWarnings();

/** A loader that knows only `installed`, and records what it was asked to load. */
function fakeLoader(installed: Record<string, unknown>): ModuleLoader & { loaded: string[] } {
  const loaded: string[] = [];
  return {
    loaded,
    isInstalled: (name) => name in installed,
    load: (name) => {
      loaded.push(name);
      if (!(name in installed)) throw new Error(`Cannot find module '${name}'`);
      return installed[name];
    },
  };
}

const made = { instrumentationName: 'made' } as Instrumentation;
const spec = {
  target: 'fastify',
  packageName: '@fastify/otel',
  create: (loaded: unknown) => ({ ...made, from: loaded }) as unknown as Instrumentation,
};

describe('loadOptionalInstrumentation', () => {
  it('loads nothing and says nothing when the app does not have the framework', async () => {
    const loader = fakeLoader({ '@fastify/otel': {} });
    expect(loadOptionalInstrumentation(spec, loader)).toBeUndefined();
    expect(loader.loaded).toEqual([]);
    await nextTick();
    expect(warnings).toEqual([]);
  });

  it('creates the instrumentation from the package when both are installed', async () => {
    const module = { name: 'the package' };
    const loader = fakeLoader({ fastify: {}, '@fastify/otel': module });
    expect(loadOptionalInstrumentation(spec, loader)).toEqual({ ...made, from: module });
    expect(loader.loaded).toEqual(['@fastify/otel']);
    await nextTick();
    expect(warnings).toEqual([]);
  });

  it('warns, naming the package to install, when the framework is there but it is not', async () => {
    const loader = fakeLoader({ fastify: {} });
    expect(loadOptionalInstrumentation(spec, loader)).toBeUndefined();
    await nextTick();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.code).toBe('SL_ERR_SDK_INSTRUMENTATION_MISSING');
    expect(warnings[0]?.message).toContain('fastify is in use but @fastify/otel is not installed');
    expect(warnings[0]?.message).toContain('npm install @fastify/otel');
  });

  it('with a usage channel, warns only once the framework is used, and only once', async () => {
    const used = channel('sightline.test.framework-used');
    const loader = fakeLoader({ fastify: {} });
    const spec2 = { ...spec, usedChannel: used.name as string };
    expect(loadOptionalInstrumentation(spec2, loader)).toBeUndefined();
    await nextTick();
    expect(warnings).toEqual([]);
    const other = vi.fn();
    used.subscribe(other);
    used.publish({ instance: 1 });
    used.publish({ instance: 2 });
    await nextTick();
    expect(warnings.map((w) => w.code)).toEqual(['SL_ERR_SDK_INSTRUMENTATION_MISSING']);
    // The app's own subscribers still get every message.
    expect(other).toHaveBeenCalledTimes(2);
    used.unsubscribe(other);
  });

  it('warns instead of throwing when the instrumentation fails to start', async () => {
    const loader = fakeLoader({ fastify: {}, '@fastify/otel': {} });
    const failing = {
      ...spec,
      create: () => {
        throw new Error('incompatible');
      },
    };
    expect(loadOptionalInstrumentation(failing, loader)).toBeUndefined();
    await nextTick();
    expect(warnings.map((w) => w.code)).toEqual(['SL_ERR_SDK_START_FAILED']);
    expect(warnings[0]?.message).toContain('@fastify/otel could not start: incompatible');
  });
});

describe('fastify without @fastify/otel', () => {
  it('warns when the app creates its first fastify instance', async () => {
    const loader = fakeLoader({ fastify: {} });
    const spec2 = { ...spec, usedChannel: 'fastify.initialization' };
    expect(loadOptionalInstrumentation(spec2, loader)).toBeUndefined();
    const { default: Fastify } = await import('fastify');
    await nextTick();
    expect(warnings).toEqual([]);
    const app = Fastify();
    await nextTick();
    expect(warnings.map((w) => w.code)).toEqual(['SL_ERR_SDK_INSTRUMENTATION_MISSING']);
    await app.close();
  });
});

describe('nodeModuleLoader', () => {
  it('finds what is installed here and loads the real @fastify/otel', () => {
    expect(nodeModuleLoader.isInstalled('fastify')).toBe(true);
    expect(nodeModuleLoader.isInstalled('no-such-package-sightline')).toBe(false);
    const instrumentation = loadOptionalInstrumentation({
      ...spec,
      create: (loaded) =>
        new (loaded as typeof FastifyOtel).FastifyOtelInstrumentation({ enabled: false }),
    });
    expect(instrumentation?.instrumentationName).toBe('@fastify/otel');
  });
});
