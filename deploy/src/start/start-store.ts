import type { FastifyBaseLogger } from 'fastify';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { migrate, type MigrationResult } from '@sightline/store/migrate';
import { applyRetention } from '@sightline/store/retention';
import type { SightlineConfig } from '../config.ts';
import type { Stoppable } from './started.ts';

/** What opening the store needs from the configuration. */
export type StoreRoleConfig = Pick<
  SightlineConfig,
  | 'clickhouseUrl'
  | 'clickhouseCluster'
  | 'dataDir'
  | 'database'
  | 'queryTimeoutSeconds'
  | 'retention'
>;

export interface StartedStore extends Stoppable {
  readonly store: StoreClients;
  readonly migrations: MigrationResult;
}

/** Opens the store (server or embedded), migrates it and applies the retention settings. */
export async function startStore(
  config: StoreRoleConfig,
  logger: FastifyBaseLogger,
): Promise<StartedStore> {
  const store = createStoreClients({
    url: config.clickhouseUrl,
    dataDir: config.dataDir,
    database: config.database,
    queryTimeoutSeconds: config.queryTimeoutSeconds,
    cluster: config.clickhouseCluster,
  });
  const stop = () => store.close().catch(() => undefined);
  try {
    const migrations = await migrate(store.writer, config.database, config.retention, {
      cluster: config.clickhouseCluster,
    });
    const changed = await applyRetention(
      store.writer,
      config.database,
      config.retention,
      config.clickhouseCluster,
    );
    if (changed.length > 0) logger.info({ tables: changed }, 'retention changed');
    return { store, migrations, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
