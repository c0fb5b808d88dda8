import { parseArgs } from 'node:util';
import { SightlineError } from '@sightline/model/errors';

export interface SightlineConfig {
  readonly host: string;
  readonly otlpPort: number;
  readonly apiPort: number;
  readonly dataDir: string;
  readonly clickhouseUrl: string | undefined;
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
}

type Parser<T> = (raw: string, name: string) => T;

const fail = (name: string, expected: string, raw: string): never => {
  throw new SightlineError('SL_ERR_CONFIG', 1, `${name}: expected ${expected}, got '${raw}'`);
};

const int =
  (min: number, max: number): Parser<number> =>
  (raw, name) => {
    const n = Number(raw);
    return /^-?\d+$/.test(raw.trim()) && n >= min && n <= max
      ? n
      : fail(name, `an integer ${min}–${max}`, raw);
  };

const text: Parser<string> = (raw, name) =>
  raw.trim() !== '' ? raw.trim() : fail(name, 'a value', raw);

const url: Parser<string> = (raw, name) => {
  try {
    const u = new URL(raw);
    if (u.protocol === 'http:' || u.protocol === 'https:') return raw;
  } catch {
    // reported below
  }
  return fail(name, 'an http(s):// URL of a ClickHouse server', raw);
};

const identifier: Parser<string> = (raw, name) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(raw)
    ? raw
    : fail(name, 'a database name (letters, digits, _)', raw);

const level: Parser<string> = (raw, name) =>
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(raw)
    ? raw
    : fail(name, 'one of fatal, error, warn, info, debug, trace, silent', raw);

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
  return Object.freeze({
    host: c.host,
    otlpPort: c.otlpPort,
    apiPort: c.apiPort,
    dataDir: c.dataDir,
    clickhouseUrl: c.clickhouseUrl,
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
  });
}

export function helpText(): string {
  const rows = Object.values(SETTINGS as Record<string, Setting<unknown>>).map(
    (s) =>
      `  --${s.flag.padEnd(24)} ${s.env.padEnd(34)} ${s.help} (default: ${s.fallback === undefined ? 'unset' : JSON.stringify(s.fallback)})`,
  );
  return `Usage: sightline [flags]\n\nflag                       environment variable               meaning\n${rows.join('\n')}\n`;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);
