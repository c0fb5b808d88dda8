import { parseArgs } from 'node:util';
import { SightlineError } from '@sightline/model/errors';
import { SETTINGS, type Setting } from './config-settings.ts';
import type { Role } from './roles.ts';

export interface SightlineConfig {
  readonly host: string;
  readonly otlpPort: number;
  /** OTLP/gRPC port; null when turned off. */
  readonly grpcPort: number | null;
  readonly apiPort: number;
  readonly dataDir: string;
  readonly clickhouseUrl: string | undefined;
  /** ClickHouse cluster the tables are sharded and replicated over (server only). */
  readonly clickhouseCluster: string | undefined;
  readonly database: string;
  readonly retention: {
    readonly tracesDays: number;
    readonly logsDays: number;
    readonly metricsDays: number;
  };
  readonly maxBodyBytes: number;
  readonly maxAttributeLength: number;
  readonly maxAttributes: number;
  readonly batchMaxRows: number;
  readonly batchLingerMs: number;
  readonly queueMaxRows: number;
  /** Items timed further ahead of now are refused (as are items older than their retention). */
  readonly timestampFutureMinutes: number;
  /** Memory OTLP/HTTP requests being read and decoded may reserve; beyond it, 429. */
  readonly receiveMemoryBytes: number;
  /** Longest time for a request's headers and body to arrive (HTTP listeners); then 408. */
  readonly requestTimeoutMs: number;
  /** On stop, connections still open this long after it began are closed. */
  readonly drainTimeoutMs: number;
  readonly queryTimeoutSeconds: number;
  readonly maxTraceSpans: number;
  /** Limits of one PromQL query. */
  readonly promql: PromQLConfig;
  readonly logLevel: string;
  /** auto: pretty on a terminal, JSON lines otherwise. */
  readonly logFormat: 'auto' | 'pretty' | 'json';
  /** Which parts this process runs; all three is the all-in-one. */
  readonly roles: ReadonlySet<Role>;
  readonly kafka: KafkaConfig;
  readonly security: SecurityConfig;
  readonly alerting: AlertingConfig;
  readonly selfTelemetry: SelfTelemetryConfig;
}

export interface PromQLConfig {
  readonly maxSeries: number;
  readonly maxSamples: number;
  readonly timeoutMs: number;
}

/** Sightline's own traces, metrics and logs, sent through the SDK tagged sightline.internal=true. */
export interface SelfTelemetryConfig {
  readonly enabled: boolean;
  /** OTLP/HTTP base URL; unset: this process's own receive listener. */
  readonly endpoint: string | undefined;
  /** Ingest key sent with the telemetry (needed when the endpoint has auth on). */
  readonly apiKey: string | undefined;
  /** How often metrics are exported and span/log batches flushed. */
  readonly intervalMs: number;
}

export interface AlertingConfig {
  /** Base of dashboard links in notifications; unset: the query API's own URL. */
  readonly publicUrl: string | undefined;
  /** Loopback, link-local or private networks (CIDR) that webhook and Slack channels may reach. */
  readonly allowedNetworks: readonly string[];
  /** smtp://user:pass@host:port (smtps:// for TLS); unset: email channels cannot deliver. */
  readonly smtpUrl: string | undefined;
  readonly smtpFrom: string;
  /** How often the evaluator renews its lease and looks for due rules. */
  readonly tickMs: number;
  /** A holder that stops renewing loses the lease after this long. */
  readonly leaseMs: number;
}

export interface SecurityConfig {
  /** on: every route but health checks needs an API key or a session. */
  readonly auth: 'off' | 'on';
  /**
   * Host names the query API answers to besides its own. Auth off: only these, the loopback names,
   * the bound address and the public URL's host (a guard against DNS rebinding).
   */
  readonly allowedHosts: readonly string[];
  /** Password of the `admin` account made on first start; unset: generated into the data folder. */
  readonly adminPassword: string | undefined;
  /** PEM files; both set: every listener speaks TLS. */
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  /** Requests per minute per API key or signed-in user (auth on); 0: unlimited. */
  readonly rateLimitPerMinute: number;
  /** Telemetry requests per minute per ingest key on the receive listener (auth on); 0: unlimited. */
  readonly ingestRateLimitPerMinute: number;
  readonly sessionHours: number;
}

export interface KafkaConfig {
  /** Empty: no Kafka; receive hands rows to ingest in-process. */
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly groupId: string;
  readonly topics: { readonly traces: string; readonly logs: string; readonly metrics: string };
  readonly deadLetterTopic: string;
  readonly acks: -1 | 1;
  readonly compression: 'none' | 'gzip';
  readonly produceTimeoutMs: number;
}

type Values = {
  -readonly [K in keyof typeof SETTINGS]:
    (typeof SETTINGS)[K]['fallback'] | ReturnType<(typeof SETTINGS)[K]['parse']>;
};

/** Flags win over environment variables, which win over defaults. Bad values stop start-up. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): SightlineConfig {
  const options = Object.fromEntries(
    Object.values(SETTINGS).map((s) => [s.flag, { type: 'string' as const }]),
  );
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean' } },
      strict: true,
    }).values;
  } catch (err) {
    throw new SightlineError('SL_ERR_CONFIG', 1, `${(err as Error).message} (see --help)`);
  }
  const v = {} as Record<string, unknown>;
  for (const [key, s] of Object.entries(SETTINGS) as [keyof typeof SETTINGS, Setting<unknown>][]) {
    const flag = flags[s.flag];
    const raw = typeof flag === 'string' ? flag : env[s.env];
    const name = typeof flag === 'string' ? `--${s.flag}` : s.env;
    v[key] = raw === undefined || raw === '' ? s.fallback : s.parse(raw, name);
  }
  const c = v as Values;
  if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) {
    throw new SightlineError(
      'SL_ERR_CONFIG',
      1,
      'SIGHTLINE_TLS_CERT and SIGHTLINE_TLS_KEY: set both (certificate and its key) or neither',
    );
  }
  if (c.clickhouseCluster !== undefined && c.clickhouseUrl === undefined) {
    throw new SightlineError(
      'SL_ERR_CONFIG',
      1,
      `SIGHTLINE_CLICKHOUSE_CLUSTER=${c.clickhouseCluster}: a cluster needs a ClickHouse server (set SIGHTLINE_CLICKHOUSE_URL); the embedded store is a single node`,
    );
  }
  return Object.freeze({
    host: c.host,
    otlpPort: c.otlpPort,
    grpcPort: c.grpcPort,
    apiPort: c.apiPort,
    dataDir: c.dataDir,
    clickhouseUrl: c.clickhouseUrl,
    clickhouseCluster: c.clickhouseCluster,
    database: c.database,
    retention: Object.freeze({
      tracesDays: c.tracesDays,
      logsDays: c.logsDays,
      metricsDays: c.metricsDays,
    }),
    maxBodyBytes: c.maxBodyBytes,
    maxAttributeLength: c.maxAttributeLength,
    maxAttributes: c.maxAttributes,
    batchMaxRows: c.batchMaxRows,
    batchLingerMs: c.batchLingerMs,
    queueMaxRows: c.queueMaxRows,
    timestampFutureMinutes: c.timestampFutureMinutes,
    receiveMemoryBytes: c.receiveMemoryMiB * 2 ** 20,
    requestTimeoutMs: c.requestTimeoutMs,
    drainTimeoutMs: c.drainTimeoutMs,
    queryTimeoutSeconds: c.queryTimeoutSeconds,
    maxTraceSpans: c.maxTraceSpans,
    promql: Object.freeze({
      maxSeries: c.promqlMaxSeries,
      maxSamples: c.promqlMaxSamples,
      timeoutMs: c.promqlTimeoutSeconds * 1000,
    }),
    logLevel: c.logLevel,
    logFormat: c.logFormat,
    roles: c.roles,
    kafka: Object.freeze({
      brokers: Object.freeze([...c.kafkaBrokers]),
      clientId: c.kafkaClientId,
      groupId: c.kafkaGroupId,
      topics: Object.freeze({
        traces: c.kafkaTopicSpans,
        logs: c.kafkaTopicLogs,
        metrics: c.kafkaTopicMetrics,
      }),
      deadLetterTopic: c.kafkaDeadLetterTopic,
      acks: c.kafkaAcks,
      compression: c.kafkaCompression,
      produceTimeoutMs: c.kafkaProduceTimeoutMs,
    }),
    security: Object.freeze({
      auth: c.auth,
      allowedHosts: c.allowedHosts,
      adminPassword: c.adminPassword,
      tlsCertFile: c.tlsCert,
      tlsKeyFile: c.tlsKey,
      rateLimitPerMinute: c.rateLimitPerMinute,
      ingestRateLimitPerMinute: c.ingestRateLimitPerMinute,
      sessionHours: c.sessionHours,
    }),
    alerting: Object.freeze({
      publicUrl: c.publicUrl,
      allowedNetworks: c.alertAllowedNetworks,
      smtpUrl: c.smtpUrl,
      smtpFrom: c.smtpFrom,
      tickMs: c.alertTickMs,
      leaseMs: Math.max(c.alertLeaseMs, 2 * c.alertTickMs),
    }),
    selfTelemetry: Object.freeze({
      enabled: c.selfTelemetry === 'on',
      endpoint: c.selfTelemetryEndpoint,
      apiKey: c.selfTelemetryApiKey,
      intervalMs: c.selfTelemetryIntervalMs,
    }),
  });
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);
