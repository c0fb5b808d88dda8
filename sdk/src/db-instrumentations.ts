import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type * as IoredisModule from '@opentelemetry/instrumentation-ioredis';
import type * as MongodbModule from '@opentelemetry/instrumentation-mongodb';
import type * as Mysql2Module from '@opentelemetry/instrumentation-mysql2';
import type * as PgModule from '@opentelemetry/instrumentation-pg';
import type * as RedisModule from '@opentelemetry/instrumentation-redis';

const require = createRequire(import.meta.url);

/** The database and cache clients the SDK instruments, by their toggle in `instrumentations`. */
export type DbIntegration = 'pg' | 'mysql2' | 'ioredis' | 'redis' | 'mongodb';

interface IntegrationSpec {
  /** The client packages the instrumentation patches; it loads if any of them is installed. */
  readonly clients: readonly string[];
  readonly create: () => Instrumentation;
}

/**
 * Each instrumentation is required only when its client is installed in the app, so a service
 * without a database loads none of them. Query text is left whole by the instrumentations and
 * handled in one place (DbQueryTextProcessor), the same way for every client.
 */
export const DB_INTEGRATIONS: Readonly<Record<DbIntegration, IntegrationSpec>> = Object.freeze({
  pg: {
    clients: ['pg', 'pg-pool'],
    create: () => {
      const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof PgModule;
      return new PgInstrumentation({ enhancedDatabaseReporting: false });
    },
  },
  mysql2: {
    clients: ['mysql2'],
    create: () => {
      const { MySQL2Instrumentation } =
        require('@opentelemetry/instrumentation-mysql2') as typeof Mysql2Module;
      return new MySQL2Instrumentation({ maskStatement: false });
    },
  },
  ioredis: {
    clients: ['ioredis'],
    create: () => {
      const { IORedisInstrumentation } =
        require('@opentelemetry/instrumentation-ioredis') as typeof IoredisModule;
      return new IORedisInstrumentation();
    },
  },
  redis: {
    clients: ['redis', '@redis/client'],
    create: () => {
      const { RedisInstrumentation } =
        require('@opentelemetry/instrumentation-redis') as typeof RedisModule;
      return new RedisInstrumentation();
    },
  },
  mongodb: {
    clients: ['mongodb'],
    create: () => {
      const { MongoDBInstrumentation } =
        require('@opentelemetry/instrumentation-mongodb') as typeof MongodbModule;
      return new MongoDBInstrumentation({ enhancedDatabaseReporting: false });
    },
  },
});

/** Client packages that ES-module apps import; the ESM loader hook must wrap them too. */
export const DB_CLIENT_PACKAGES: readonly string[] = Object.values(DB_INTEGRATIONS).flatMap(
  (spec) => spec.clients,
);

/** Where the app's packages resolve from: its working folder and its entry script's folder. */
function appPaths(): string[] {
  const paths = [process.cwd()];
  const entry = process.argv[1];
  if (entry !== undefined && entry !== '') paths.push(dirname(entry));
  return paths;
}

export type IsInstalled = (name: string) => boolean;

export const isInstalledInApp: IsInstalled = (name) => {
  for (const from of [appPaths(), undefined]) {
    try {
      require.resolve(name, from === undefined ? undefined : { paths: from });
      return true;
    } catch {
      // not there; try the next place
    }
  }
  return false;
};

/** The instrumentations of the clients that are turned on and installed. */
export function createDbInstrumentations(
  enabled: Readonly<Record<DbIntegration, boolean>>,
  isInstalled: IsInstalled = isInstalledInApp,
): Instrumentation[] {
  const list: Instrumentation[] = [];
  for (const [name, spec] of Object.entries(DB_INTEGRATIONS) as [
    DbIntegration,
    IntegrationSpec,
  ][]) {
    if (enabled[name] && spec.clients.some(isInstalled)) list.push(spec.create());
  }
  return list;
}
