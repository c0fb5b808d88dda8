import { parseArgs } from 'node:util';
import {
  brokers,
  clusterName,
  fail,
  identifier,
  int,
  level,
  oneOf,
  roles,
  text,
  url,
  type Parser,
} from './config-parsers.ts';
import { SightlineError } from '@sightline/model/errors';
import { ROLES, type Role } from './roles.ts';

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
  readonly queryTimeoutSeconds: number;
  readonly maxTraceSpans: number;
  readonly logLevel: string;
  /** Which parts this process runs; all three is the all-in-one. */
  readonly roles: ReadonlySet<Role>;
  readonly kafka: KafkaConfig;
  readonly security: SecurityConfig;
  readonly alerting: AlertingConfig;
  readonly selfTelemetry: SelfTelemetryConfig;
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
  /** smtp://user:pass@host:port (smtps:// for TLS); unset: email channels cannot deliver. */
  readonly smtpUrl: string | undefined;
  readonly smtpFrom: string;
  /** How often the evaluator renews its lease and looks for due rules. */
  readonly tickMs: number;
  /** A holder that stops renewing loses the lease after this long. */
  readonly leaseMs: number;
}

const urlWith =
  (protocols: readonly string[], what: string): Parser<string> =>
  (raw, name) => {
    try {
      if (protocols.includes(new URL(raw).protocol)) return raw;
    } catch {
      // reported below
    }
    return fail(name, what, raw);
  };

export interface SecurityConfig {
  /** on: every route but health checks needs an API key or a session. */
  readonly auth: 'off' | 'on';
  /** Password of the `admin` account made on first start; unset: generated and logged once. */
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

interface Setting<T> {
  readonly env: string;
  readonly flag: string;
  readonly parse: Parser<T>;
  readonly fallback: T;
  readonly help: string;
}

const MiB = 1024 * 1024;

/** Every setting, its variable, its flag and its default: the one place configuration is read. */
export const SETTINGS = {
  host: {
    env: 'SIGHTLINE_HOST',
    flag: 'host',
    parse: text,
    fallback: '127.0.0.1',
    help: 'address every listener binds',
  },
  otlpPort: {
    env: 'SIGHTLINE_OTLP_PORT',
    flag: 'otlp-port',
    parse: int(0, 65535),
    fallback: 4318,
    help: 'OTLP/HTTP port',
  },
  grpcPort: {
    env: 'SIGHTLINE_GRPC_PORT',
    flag: 'grpc-port',
    parse: (raw: string, name: string): number | null =>
      raw.trim().toLowerCase() === 'off'
        ? null
        : /^\d+$/.test(raw.trim()) && Number(raw) <= 65535
          ? Number(raw)
          : fail(name, 'an integer 0–65535 or off', raw),
    fallback: 4317,
    help: 'OTLP/gRPC port (off: no gRPC listener)',
  },
  apiPort: {
    env: 'SIGHTLINE_API_PORT',
    flag: 'api-port',
    parse: int(0, 65535),
    fallback: 8080,
    help: 'query API and dashboard port',
  },
  dataDir: {
    env: 'SIGHTLINE_DATA_DIR',
    flag: 'data-dir',
    parse: text,
    fallback: './data',
    help: 'embedded store folder',
  },
  clickhouseUrl: {
    env: 'SIGHTLINE_CLICKHOUSE_URL',
    flag: 'clickhouse-url',
    parse: url,
    fallback: undefined,
    help: 'ClickHouse server (unset: embedded store)',
  },
  clickhouseCluster: {
    env: 'SIGHTLINE_CLICKHOUSE_CLUSTER',
    flag: 'clickhouse-cluster',
    parse: clusterName,
    fallback: undefined,
    help: 'ClickHouse cluster for replicated + Distributed tables (unset: one server)',
  },
  database: {
    env: 'SIGHTLINE_CLICKHOUSE_DATABASE',
    flag: 'database',
    parse: identifier,
    fallback: 'sightline',
    help: 'database name',
  },
  tracesDays: {
    env: 'SIGHTLINE_RETENTION_TRACES_DAYS',
    flag: 'retention-traces-days',
    parse: int(0, 3650),
    fallback: 7,
    help: 'days spans are kept (0: forever)',
  },
  logsDays: {
    env: 'SIGHTLINE_RETENTION_LOGS_DAYS',
    flag: 'retention-logs-days',
    parse: int(0, 3650),
    fallback: 7,
    help: 'days logs are kept (0: forever)',
  },
  metricsDays: {
    env: 'SIGHTLINE_RETENTION_METRICS_DAYS',
    flag: 'retention-metrics-days',
    parse: int(0, 3650),
    fallback: 30,
    help: 'days metric points are kept (0: forever)',
  },
  maxBodyBytes: {
    env: 'SIGHTLINE_MAX_BODY_BYTES',
    flag: 'max-body-bytes',
    parse: int(1024, 512 * MiB),
    fallback: 4 * MiB,
    help: 'largest OTLP body, before and after decompression',
  },
  maxAttributeLength: {
    env: 'SIGHTLINE_MAX_ATTRIBUTE_LENGTH',
    flag: 'max-attribute-length',
    parse: int(16, 16 * MiB),
    fallback: 32_768,
    help: 'longer attribute values and bodies are truncated',
  },
  maxAttributes: {
    env: 'SIGHTLINE_MAX_ATTRIBUTES',
    flag: 'max-attributes',
    parse: int(1, 100_000),
    fallback: 512,
    help: 'attributes kept per item',
  },
  batchMaxRows: {
    env: 'SIGHTLINE_BATCH_MAX_ROWS',
    flag: 'batch-max-rows',
    parse: int(1, 1_000_000),
    fallback: 20_000,
    help: 'rows per insert',
  },
  batchLingerMs: {
    env: 'SIGHTLINE_BATCH_LINGER_MS',
    flag: 'batch-linger-ms',
    parse: int(0, 60_000),
    fallback: 0,
    help: 'wait for more rows before inserting into an idle store',
  },
  queueMaxRows: {
    env: 'SIGHTLINE_QUEUE_MAX_ROWS',
    flag: 'queue-max-rows',
    parse: int(1, 100_000_000),
    fallback: 200_000,
    help: 'rows waiting to be stored before 429',
  },
  queryTimeoutSeconds: {
    env: 'SIGHTLINE_QUERY_TIMEOUT_SECONDS',
    flag: 'query-timeout-seconds',
    parse: int(1, 3600),
    fallback: 30,
    help: 'longest query',
  },
  maxTraceSpans: {
    env: 'SIGHTLINE_MAX_TRACE_SPANS',
    flag: 'max-trace-spans',
    parse: int(1, 1_000_000),
    fallback: 100_000,
    help: 'spans returned for one trace',
  },
  logLevel: {
    env: 'SIGHTLINE_LOG_LEVEL',
    flag: 'log-level',
    parse: level,
    fallback: 'info',
    help: 'server log level',
  },
  roles: {
    env: 'SIGHTLINE_ROLES',
    flag: 'roles',
    parse: roles,
    fallback: new Set(ROLES),
    help: 'parts to run: receive, ingest, query, alerting (comma-separated) or all',
  },
  kafkaBrokers: {
    env: 'SIGHTLINE_KAFKA_BROKERS',
    flag: 'kafka-brokers',
    parse: brokers,
    fallback: [] as readonly string[],
    help: 'Kafka between receive and ingest (unset: in-process)',
  },
  kafkaClientId: {
    env: 'SIGHTLINE_KAFKA_CLIENT_ID',
    flag: 'kafka-client-id',
    parse: text,
    fallback: 'sightline',
    help: 'Kafka client id',
  },
  kafkaGroupId: {
    env: 'SIGHTLINE_KAFKA_GROUP_ID',
    flag: 'kafka-group-id',
    parse: text,
    fallback: 'sightline-ingest',
    help: 'consumer group of the ingest role',
  },
  kafkaTopicSpans: {
    env: 'SIGHTLINE_KAFKA_TOPIC_SPANS',
    flag: 'kafka-topic-spans',
    parse: text,
    fallback: 'otlp_spans',
    help: 'topic of spans',
  },
  kafkaTopicLogs: {
    env: 'SIGHTLINE_KAFKA_TOPIC_LOGS',
    flag: 'kafka-topic-logs',
    parse: text,
    fallback: 'otlp_logs',
    help: 'topic of logs',
  },
  kafkaTopicMetrics: {
    env: 'SIGHTLINE_KAFKA_TOPIC_METRICS',
    flag: 'kafka-topic-metrics',
    parse: text,
    fallback: 'otlp_metrics',
    help: 'topic of metrics',
  },
  kafkaDeadLetterTopic: {
    env: 'SIGHTLINE_KAFKA_DEAD_LETTER_TOPIC',
    flag: 'kafka-dead-letter-topic',
    parse: text,
    fallback: 'sightline_dead_letter',
    help: 'where undecodable messages go',
  },
  kafkaAcks: {
    env: 'SIGHTLINE_KAFKA_ACKS',
    flag: 'kafka-acks',
    parse: oneOf([-1, 1] as const),
    fallback: -1 as const,
    help: 'acknowledgements a produce waits for (-1: all in-sync replicas)',
  },
  kafkaCompression: {
    env: 'SIGHTLINE_KAFKA_COMPRESSION',
    flag: 'kafka-compression',
    parse: oneOf(['none', 'gzip'] as const),
    fallback: 'none' as const,
    help: 'compression of produced batches',
  },
  kafkaProduceTimeoutMs: {
    env: 'SIGHTLINE_KAFKA_PRODUCE_TIMEOUT_MS',
    flag: 'kafka-produce-timeout-ms',
    parse: int(100, 600_000),
    fallback: 10_000,
    help: 'a produce not acknowledged by then answers 503',
  },
  publicUrl: {
    env: 'SIGHTLINE_PUBLIC_URL',
    flag: 'public-url',
    parse: urlWith(['http:', 'https:'], 'an http(s):// URL where people open the dashboard'),
    fallback: undefined as string | undefined,
    help: 'dashboard URL used in alert links (unset: the API URL)',
  },
  smtpUrl: {
    env: 'SIGHTLINE_SMTP_URL',
    flag: 'smtp-url',
    parse: urlWith(['smtp:', 'smtps:'], 'an smtp:// or smtps:// URL (smtp://user:pass@host:587)'),
    fallback: undefined as string | undefined,
    help: 'SMTP server for alert emails',
  },
  smtpFrom: {
    env: 'SIGHTLINE_SMTP_FROM',
    flag: 'smtp-from',
    parse: text,
    fallback: 'sightline@localhost',
    help: 'sender address of alert emails',
  },
  alertTickMs: {
    env: 'SIGHTLINE_ALERT_TICK_MS',
    flag: 'alert-tick-ms',
    parse: int(100, 60_000),
    fallback: 1000,
    help: 'how often the alert evaluator looks for due rules',
  },
  auth: {
    env: 'SIGHTLINE_AUTH',
    flag: 'auth',
    parse: oneOf(['off', 'on'] as const),
    fallback: 'off' as const,
    help: 'on: API keys or a signed-in session on every route but health checks (needed beyond loopback)',
  },
  adminPassword: {
    env: 'SIGHTLINE_ADMIN_PASSWORD',
    flag: 'admin-password',
    parse: text,
    fallback: undefined as string | undefined,
    help: 'password of the admin account made on first start (unset: generated, logged once)',
  },
  tlsCert: {
    env: 'SIGHTLINE_TLS_CERT',
    flag: 'tls-cert',
    parse: text,
    fallback: undefined as string | undefined,
    help: 'PEM certificate (chain) file: every listener speaks TLS',
  },
  tlsKey: {
    env: 'SIGHTLINE_TLS_KEY',
    flag: 'tls-key',
    parse: text,
    fallback: undefined as string | undefined,
    help: 'PEM private key file of SIGHTLINE_TLS_CERT',
  },
  rateLimitPerMinute: {
    env: 'SIGHTLINE_RATE_LIMIT_PER_MINUTE',
    flag: 'rate-limit-per-minute',
    parse: int(0, 10_000_000),
    fallback: 6000,
    help: 'API requests per minute per key or user when auth is on (0: unlimited)',
  },
  ingestRateLimitPerMinute: {
    env: 'SIGHTLINE_INGEST_RATE_LIMIT_PER_MINUTE',
    flag: 'ingest-rate-limit-per-minute',
    parse: int(0, 100_000_000),
    fallback: 120_000,
    help: 'OTLP/Zipkin/remote-write requests per minute per ingest key when auth is on (0: unlimited)',
  },
  sessionHours: {
    env: 'SIGHTLINE_SESSION_HOURS',
    flag: 'session-hours',
    parse: int(1, 24 * 90),
    fallback: 12,
    help: 'how long a dashboard sign-in lasts',
  },
  alertLeaseMs: {
    env: 'SIGHTLINE_ALERT_LEASE_MS',
    flag: 'alert-lease-ms',
    parse: int(1000, 600_000),
    fallback: 15_000,
    help: 'a dead alert evaluator is replaced after this long',
  },
  selfTelemetry: {
    env: 'SIGHTLINE_SELF_TELEMETRY',
    flag: 'self-telemetry',
    parse: oneOf(['on', 'off'] as const),
    fallback: 'on' as const,
    help: "send Sightline's own traces, metrics and logs into Sightline (the Pipeline view)",
  },
  selfTelemetryEndpoint: {
    env: 'SIGHTLINE_SELF_TELEMETRY_ENDPOINT',
    flag: 'self-telemetry-endpoint',
    parse: urlWith(['http:', 'https:'], 'an http(s):// OTLP/HTTP base URL (http://receive:4318)'),
    fallback: undefined as string | undefined,
    help: "where self-telemetry goes (unset: this process's own OTLP listener)",
  },
  selfTelemetryApiKey: {
    env: 'SIGHTLINE_SELF_TELEMETRY_API_KEY',
    flag: 'self-telemetry-api-key',
    parse: text,
    fallback: undefined as string | undefined,
    help: 'ingest key sent with self-telemetry when the endpoint has auth on',
  },
  selfTelemetryIntervalMs: {
    env: 'SIGHTLINE_SELF_TELEMETRY_INTERVAL_MS',
    flag: 'self-telemetry-interval-ms',
    parse: int(100, 600_000),
    fallback: 10_000,
    help: 'how often self-telemetry metrics are exported',
  },
} satisfies Record<string, Setting<unknown>>;

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
    queryTimeoutSeconds: c.queryTimeoutSeconds,
    maxTraceSpans: c.maxTraceSpans,
    logLevel: c.logLevel,
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
      adminPassword: c.adminPassword,
      tlsCertFile: c.tlsCert,
      tlsKeyFile: c.tlsKey,
      rateLimitPerMinute: c.rateLimitPerMinute,
      ingestRateLimitPerMinute: c.ingestRateLimitPerMinute,
      sessionHours: c.sessionHours,
    }),
    alerting: Object.freeze({
      publicUrl: c.publicUrl,
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

function describeDefault(v: unknown): string {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return 'unset';
  if (v instanceof Set) return [...(v as Set<unknown>)].join(',');
  return JSON.stringify(v);
}

export function helpText(): string {
  const rows = Object.values(SETTINGS as Record<string, Setting<unknown>>).map(
    (s) =>
      `  --${s.flag.padEnd(24)} ${s.env.padEnd(34)} ${s.help} (default: ${describeDefault(s.fallback)})`,
  );
  return `Usage: sightline [flags]\n\nflag                       environment variable               meaning\n${rows.join('\n')}\n`;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);
