import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  createDbInstrumentations,
  isInstalledInApp,
  type DbIntegration,
} from './db-instrumentations.ts';

const require = createRequire(import.meta.url);
const ALL_ON: Record<DbIntegration, boolean> = {
  pg: true,
  mysql2: true,
  ioredis: true,
  redis: true,
  mongodb: true,
};
const names = (list: { instrumentationName: string }[]): string[] =>
  list.map((i) => i.instrumentationName).sort();

describe('createDbInstrumentations', () => {
  it('loads the instrumentation of each installed client that is turned on', () => {
    expect(names(createDbInstrumentations(ALL_ON))).toEqual([
      '@opentelemetry/instrumentation-ioredis',
      '@opentelemetry/instrumentation-mongodb',
      '@opentelemetry/instrumentation-mysql2',
      '@opentelemetry/instrumentation-pg',
      '@opentelemetry/instrumentation-redis',
    ]);
  });

  it('skips clients that are turned off or not installed', () => {
    const installed = new Set(['pg-pool', 'ioredis', 'mongodb']);
    const list = createDbInstrumentations({ ...ALL_ON, mongodb: false }, (n) => installed.has(n));
    expect(names(list)).toEqual([
      '@opentelemetry/instrumentation-ioredis',
      '@opentelemetry/instrumentation-pg',
    ]);
    expect(createDbInstrumentations(ALL_ON, () => false)).toEqual([]);
  });

  it('finds installed packages from the app and not made-up ones', () => {
    expect(isInstalledInApp('pg')).toBe(true);
    expect(isInstalledInApp('no-such-client-package-xyz')).toBe(false);
  });
});

// There is no MongoDB server here: this checks the wiring (the driver's connection is patched
// when the driver is loaded after init), not the spans, which need a server.
describe('mongodb wiring', () => {
  const provider = new NodeTracerProvider();
  let disable = (): void => {};
  afterAll(() => disable());

  it('patches the driver’s connection command once the driver is required', () => {
    const [mongo] = createDbInstrumentations(
      { ...ALL_ON, pg: false, mysql2: false, ioredis: false, redis: false },
      (n) => n === 'mongodb',
    );
    expect(mongo?.instrumentationName).toBe('@opentelemetry/instrumentation-mongodb');
    disable = registerInstrumentations({
      instrumentations: mongo === undefined ? [] : [mongo],
      tracerProvider: provider,
    });
    require('mongodb');
    const connection = require('mongodb/lib/cmap/connection.js') as {
      Connection: { prototype: { command: { __wrapped?: boolean } } };
    };
    expect(connection.Connection.prototype.command.__wrapped).toBe(true);
    disable();
    expect(connection.Connection.prototype.command.__wrapped).toBeUndefined();
  });
});
