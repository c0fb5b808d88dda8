import type { FastifyBaseLogger } from 'fastify';
import type { GroupCommitWriter } from '@sightline/collector/ingest/group-commit';
import type { StoreClients } from '@sightline/store/client-factory';
import type { MigrationResult } from '@sightline/store/migrate';
import type { SightlineConfig } from './config.ts';
import { startRoles, type RunningRoles } from './start-roles.ts';

export { VERSION } from './start-roles.ts';

export interface RunningSightline extends RunningRoles {
  readonly otlpUrl: string;
  readonly apiUrl: string;
  readonly store: StoreClients;
  readonly writer: GroupCommitWriter;
  readonly migrations: MigrationResult;
}

/** receive + ingest + query + alerting in one process on one store, no Kafka: what `npm start` runs. */
export async function startSightline(
  config: SightlineConfig,
  logger: FastifyBaseLogger,
): Promise<RunningSightline> {
  const running = await startRoles(
    {
      ...config,
      roles: new Set(['receive', 'ingest', 'query', 'alerting'] as const),
      kafka: { ...config.kafka, brokers: [] },
    },
    logger,
  );
  const { otlpUrl, apiUrl, store, writer, migrations } = running;
  if (!otlpUrl || !apiUrl || !store || !writer || !migrations) {
    await running.close();
    throw new Error('the all-in-one started without one of its parts');
  }
  return { ...running, otlpUrl, apiUrl, store, writer, migrations };
}
