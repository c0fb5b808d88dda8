import { metrics } from '@opentelemetry/api';
import type { ClickHouseClient } from '@clickhouse/client';
import { isInsertExec } from '@sightline/store/insert';
import type { FastifyBaseLogger } from 'fastify';
// Sightline's own telemetry uses SDK internals (the log shipper), which the package does not
// export; every SDK module here comes from the same sources so they share one module instance.
import { histogram } from '../../sdk/src/metrics.ts';
import { withSpan } from '../../sdk/src/with-span.ts';
import type { SelfTelemetryConfig } from './config.ts';
import { ROLES, type Role } from './roles.ts';
import type { SelfMetrics } from './self-metrics.ts';
import { bridgeRegistry } from './self-telemetry-metrics.ts';
import { shipServerLogs } from './self-telemetry-logs.ts';

/** The resource attribute that marks Sightline's own data; the Pipeline view shows only it. */
export const INTERNAL_ATTRIBUTE = 'sightline.internal';
export const SELF_METER = '@sightline/deploy/self-telemetry';
const INFO = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** `sightline-all-in-one` for every role in one process, else `sightline-<roles>` (`sightline-receive`). */
export function selfServiceName(roles: ReadonlySet<Role>): string {
  const mine = ROLES.filter((r) => roles.has(r));
  return mine.length === ROLES.length ? 'sightline-all-in-one' : `sightline-${mine.join('-')}`;
}

const insertSeconds = histogram('sightline_ingest_insert_seconds', {
  description: 'Time one insert into the store took, by table',
  unit: 's',
  boundaries: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

type InsertParams = Parameters<ClickHouseClient['insert']>[0];
type ExecParams = Parameters<ClickHouseClient['exec']>[0];

// Off once shutdown starts: the final flush's own inserts would end spans nobody can export.
let tracingInserts = true;
// Traced inserts still running; shutdown waits (briefly) for their spans to end.
const inFlight = new Set<Promise<unknown>>();

/**
 * The client with each insert in a span and timed into `sightline_ingest_insert_seconds`. An
 * insert is one group commit or one Kafka batch per table, so this costs a span per batch, not
 * per request: storing Sightline's own spans adds one span per export, a bounded echo.
 */
export function traceInserts(client: ClickHouseClient): ClickHouseClient {
  const track = <R>(table: string, rows: number | undefined, call: () => Promise<R>) => {
    if (!tracingInserts) return call();
    const done = traced(table, rows, call);
    inFlight.add(done);
    void done.catch(() => undefined).finally(() => inFlight.delete(done));
    return done;
  };
  const insert = (params: InsertParams) =>
    track(params.table, Array.isArray(params.values) ? params.values.length : undefined, () =>
      client.insert(params),
    );
  // The store's binary inserts go through exec (see @sightline/store/insert).
  const exec = (params: ExecParams) =>
    isInsertExec(params)
      ? track(params.table, params.rowCount, () => client.exec(params))
      : client.exec(params);
  const traced = <R>(rawTable: string, rows: number | undefined, call: () => Promise<R>) => {
    // Labels read better without the identifier quotes: sightline.otel_traces.
    const table = rawTable.replace(/[`"]/g, '');
    return withSpan(
      'store insert',
      async () => {
        const started = performance.now();
        let outcome = 'error';
        try {
          const result = await call();
          outcome = 'ok';
          return result;
        } finally {
          insertSeconds.record((performance.now() - started) / 1000, { table, outcome });
        }
      },
      {
        attributes: {
          'db.system.name': 'clickhouse',
          'db.collection.name': table,
          ...(rows === undefined ? {} : { 'db.response.returned_rows': rows }),
        },
      },
    );
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'insert') return insert;
      if (prop === 'exec') return exec;
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

export interface SelfTelemetryOptions {
  readonly config: SelfTelemetryConfig;
  readonly roles: ReadonlySet<Role>;
  readonly version: string;
  /** This process's OTLP/HTTP listener, the default destination. */
  readonly ownOtlpUrl: string | undefined;
  readonly metrics: SelfMetrics;
  readonly logger: FastifyBaseLogger;
  /** The process's auth is on: without an API key the telemetry would be refused. */
  readonly authOn: boolean;
}

export interface SelfTelemetry {
  readonly service: string;
  readonly endpoint: string;
  /** Exports what is pending (tests, and shutdown). */
  flush(): Promise<void>;
  /** Exports what is pending, then stops; bounded so a dead endpoint cannot hold up shutdown. */
  shutdown(): Promise<void>;
}

/**
 * Starts the SDK for Sightline itself: spans only for inserts (no HTTP, fastify or Kafka
 * auto-instrumentation, which would trace every OTLP request and so every export of this very
 * telemetry), the self-metrics registry bridged to OTel instruments, and the server's log lines of
 * level info and above. Undefined when turned off or there is nowhere to send to.
 */
export async function startSelfTelemetry(
  options: SelfTelemetryOptions,
): Promise<SelfTelemetry | undefined> {
  const { config, logger } = options;
  if (!config.enabled) return undefined;
  const endpoint = config.endpoint ?? options.ownOtlpUrl;
  if (endpoint === undefined) {
    logger.info(
      'self-telemetry off: this process has no OTLP listener; set SIGHTLINE_SELF_TELEMETRY_ENDPOINT to a receive URL',
    );
    return undefined;
  }
  if (options.authOn && config.apiKey === undefined && config.endpoint === undefined) {
    logger.warn(
      'self-telemetry: auth is on and SIGHTLINE_SELF_TELEMETRY_API_KEY is unset; the telemetry will be refused',
    );
  }
  const service = selfServiceName(options.roles);
  // Loaded only when on: the SDK pulls in every exporter and instrumentation package.
  const sdk = await import('../../sdk/src/init.ts');
  const started = sdk.init({
    service,
    serviceVersion: options.version,
    resourceAttributes: {
      [INTERNAL_ATTRIBUTE]: 'true',
      'sightline.roles': ROLES.filter((r) => options.roles.has(r)).join(','),
    },
    endpoint,
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
    metricIntervalMs: config.intervalMs,
    spans: { scheduledDelayMs: config.intervalMs },
    logs: { scheduledDelayMs: config.intervalMs },
    instrumentations: {
      http: false,
      undici: false,
      fastify: false,
      express: false,
      kafkajs: false,
      // The bridged prom-client defaults already report the event loop, heap and CPU.
      runtime: false,
    },
    // Sightline's own SIGTERM handler drains and then calls shutdown() below.
    shutdownSignals: false,
  });
  const stopBridge = bridgeRegistry(
    options.metrics.registry,
    metrics.getMeterProvider().getMeter(SELF_METER),
  );
  const stopLogs = shipServerLogs(logger, INFO);
  logger.info({ selfService: service, endpoint }, 'self-telemetry on');
  let stopping: Promise<void> | undefined;
  return {
    service,
    endpoint,
    flush: () => started.forceFlush(),
    shutdown() {
      stopping ??= (async () => {
        tracingInserts = false;
        try {
          await Promise.race([Promise.allSettled([...inFlight]), sleep(2_000)]);
          await sdk.shutdown(Math.min(5_000, config.intervalMs + 2_000));
        } finally {
          stopLogs();
          stopBridge();
        }
      })();
      return stopping;
    },
  };
}
