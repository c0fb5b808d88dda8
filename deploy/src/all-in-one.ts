import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { SightlineError } from '@sightline/model/errors';
import { GroupCommitWriter } from '@sightline/collector/ingest/group-commit';
import { buildReceiveApp, rowSink } from '@sightline/collector/receive/app';
import { buildQueryApp } from '@sightline/query/app';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { insertRows } from '@sightline/store/insert';
import { migrate, type MigrationResult } from '@sightline/store/migrate';
import { applyRetention } from '@sightline/store/retention';
import { isLoopback, type SightlineConfig } from './config.ts';

export const VERSION = '0.1.0';

export interface RunningSightline {
  readonly otlpUrl: string;
  readonly apiUrl: string;
  readonly store: StoreClients;
  readonly writer: GroupCommitWriter;
  readonly migrations: MigrationResult;
  /** Stops accepting, stores everything already accepted, then closes the store. */
  close(): Promise<void>;
}

/** receive + ingest + query in one process on one store: what `npm start` runs. */
export async function startSightline(
  config: SightlineConfig,
  logger: FastifyBaseLogger,
): Promise<RunningSightline> {
  if (!isLoopback(config.host)) {
    // Nothing here authenticates requests yet, so only this machine may reach the listeners.
    throw new SightlineError(
      'SL_ERR_CONFIG',
      1,
      `SIGHTLINE_HOST=${config.host}: listening beyond loopback needs authentication, which this build does not have; use 127.0.0.1 or ::1`,
    );
  }
  const store = createStoreClients({
    url: config.clickhouseUrl,
    dataDir: config.dataDir,
    database: config.database,
    queryTimeoutSeconds: config.queryTimeoutSeconds,
  });
  try {
    const migrations = await migrate(store.writer, config.database, config.retention);
    const retentionChanged = await applyRetention(store.writer, config.database, config.retention);
    if (retentionChanged.length > 0) logger.info({ tables: retentionChanged }, 'retention changed');

    const writer = new GroupCommitWriter({
      insert: (kind, rows, token) => insertRows(store.writer, config.database, kind, rows, token),
      maxBatchRows: config.batchMaxRows,
      maxQueuedRows: config.queueMaxRows,
      lingerMs: config.batchLingerMs,
      insertAttempts: 3,
      retryBackoffMs: 200,
      unavailableMs: 2_000,
      onError: (err, rows) =>
        logger.error({ err, rows }, 'insert failed; clients were told to retry'),
    });
    const receive = buildReceiveApp({
      sink: rowSink(writer),
      bodyLimitBytes: config.maxBodyBytes,
      limits: {
        maxValueLength: config.maxAttributeLength,
        maxAttributes: config.maxAttributes,
        maxDepth: 16,
      },
      logger: logger.child({ role: 'receive' }),
    });
    const query = buildQueryApp({
      store,
      version: VERSION,
      maxTraceSpans: config.maxTraceSpans,
      logger: logger.child({ role: 'query' }),
    });
    await receive.listen({ host: config.host, port: config.otlpPort });
    await query.listen({ host: config.host, port: config.apiPort });
    const urlOf = (addr: AddressInfo | string | null) => {
      const a = addr as AddressInfo;
      const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      return `http://${host}:${a.port}`;
    };
    let closing: Promise<void> | null = null;
    return {
      otlpUrl: urlOf(receive.server.address()),
      apiUrl: urlOf(query.server.address()),
      store,
      writer,
      migrations,
      close: () =>
        (closing ??= (async () => {
          // New requests are refused while what was accepted is stored; then listeners and store close.
          await writer.drain();
          await Promise.allSettled([receive.close(), query.close()]);
          await store.close();
        })()),
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
