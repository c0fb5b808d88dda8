import { reportSdkProblem, SightlineSdkError } from './errors.ts';
import type { DbQueryTextMode } from './db-query-text.ts';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4318';

export type ResourceAttributeValue = string | number | boolean;

/** Which automatic instrumentations to turn on; all default to on. */
export interface InstrumentationToggles {
  http?: boolean;
  /** fetch / undici */
  undici?: boolean;
  fastify?: boolean;
  express?: boolean;
  kafkajs?: boolean;
  /** Node runtime metrics: event-loop delay, heap, GC. */
  runtime?: boolean;
  /** Database and cache clients, each instrumented only when the app has it installed. */
  pg?: boolean;
  mysql2?: boolean;
  ioredis?: boolean;
  /** node-redis (`redis`, `@redis/client`) */
  redis?: boolean;
  mongodb?: boolean;
}

export interface BatchOptions {
  /** Most items held in memory while Sightline is slow or down; beyond it they are dropped and counted. */
  maxQueueSize?: number;
  maxExportBatchSize?: number;
  scheduledDelayMs?: number;
}

/** Options of `init()`. Every field is optional; each falls back to the standard `OTEL_*` variable. */
export interface SightlineOptions {
  /** service.name (else OTEL_SERVICE_NAME, else `unknown_service:node`). */
  service?: string;
  serviceVersion?: string;
  /** deployment.environment.name */
  environment?: string;
  /** Extra resource attributes; OTEL_RESOURCE_ATTRIBUTES is merged underneath. */
  resourceAttributes?: Record<string, ResourceAttributeValue>;
  /** Base OTLP/HTTP URL (else OTEL_EXPORTER_OTLP_ENDPOINT, else http://127.0.0.1:4318). */
  endpoint?: string;
  /** Sent as the `x-sightline-key` header (else SIGHTLINE_API_KEY). */
  apiKey?: string;
  /** Parent-based trace id ratio in [0, 1] (else OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG). */
  sampleRatio?: number;
  /** Also read and write B3 headers: `single` (one `b3` header) or `multi` (X-B3-*). */
  b3?: false | 'single' | 'multi';
  spans?: BatchOptions;
  logs?: BatchOptions;
  /** Turn log lines into OTLP on a worker thread (default) rather than on the main thread. */
  logWorker?: boolean;
  /** How often metrics are exported (else OTEL_METRIC_EXPORT_INTERVAL, else 60 000 ms). */
  metricIntervalMs?: number;
  /** Per-request OTLP export timeout, retries included (else OTEL_EXPORTER_OTLP_TIMEOUT, else 10 000 ms). */
  exportTimeoutMs?: number;
  instrumentations?: InstrumentationToggles;
  /**
   * What database spans keep of the query (else SIGHTLINE_DB_QUERY_TEXT): `sanitized` (default;
   * string and number literals replaced by `?`), `raw` (as sent) or `none` (no query text).
   */
  dbQueryText?: DbQueryTextMode;
  /** Incoming request paths (exact string, or pattern) that get no span, e.g. health checks. */
  ignoreIncomingPaths?: (string | RegExp)[];
  /** Signals on which telemetry is flushed before the process exits; `false` installs no handler. */
  shutdownSignals?: false | NodeJS.Signals[];
  /** Longest a signal-triggered flush may delay exit. */
  shutdownTimeoutMs?: number;
  /** At most one "telemetry dropped" warning per interval. */
  dropWarningIntervalMs?: number;
  /** Turn the SDK into a no-op (else OTEL_SDK_DISABLED=true). */
  disabled?: boolean;
}

export type SamplerConfig =
  | { kind: 'always_on' | 'always_off'; parentBased: boolean }
  | { kind: 'ratio'; ratio: number; parentBased: boolean };

export type PropagatorName = 'tracecontext' | 'baggage' | 'b3' | 'b3multi';

export interface ResolvedBatch {
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
}

/** The checked, frozen configuration that `init()` works from. */
export interface ResolvedConfig {
  readonly disabled: boolean;
  readonly service: string;
  readonly resourceAttributes: Readonly<Record<string, ResourceAttributeValue>>;
  readonly endpoints: Readonly<{ traces: string; logs: string; metrics: string }>;
  readonly headers: Readonly<Record<string, string>>;
  readonly sampler: SamplerConfig;
  readonly propagators: readonly PropagatorName[];
  readonly spans: ResolvedBatch;
  readonly logs: ResolvedBatch;
  readonly logWorker: boolean;
  readonly metricIntervalMs: number;
  readonly exportTimeoutMs: number;
  readonly instrumentations: Readonly<Required<InstrumentationToggles>>;
  readonly dbQueryText: DbQueryTextMode;
  readonly ignoreIncomingPaths: readonly (string | RegExp)[];
  readonly shutdownSignals: readonly NodeJS.Signals[];
  readonly shutdownTimeoutMs: number;
  readonly dropWarningIntervalMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function badOption(what: string, expected: string, value: unknown, fallback: unknown): void {
  reportSdkProblem(
    new SightlineSdkError(
      'SL_ERR_SDK_BAD_OPTION',
      `${what} should be ${expected}, got ${JSON.stringify(value)}; using ${JSON.stringify(fallback)}`,
    ),
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/** An integer from an option, else from the environment, else the default; bad values warn. */
function pickInt(
  option: number | undefined,
  optionName: string,
  env: Env,
  envName: string | undefined,
  fallback: number,
  min: number,
): number {
  if (option !== undefined) {
    if (Number.isInteger(option) && option >= min) return option;
    badOption(optionName, `an integer ≥ ${min}`, option, fallback);
    return fallback;
  }
  const raw = envName === undefined ? undefined : nonEmpty(env[envName]);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (Number.isInteger(parsed) && parsed >= min) return parsed;
  badOption(envName ?? optionName, `an integer ≥ ${min}`, raw, fallback);
  return fallback;
}

function pickEndpointBase(options: SightlineOptions, env: Env): string {
  const fromOption = nonEmpty(options.endpoint);
  const candidate = fromOption ?? nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (candidate === undefined) return DEFAULT_ENDPOINT;
  if (isHttpUrl(candidate)) return candidate.replace(/\/+$/, '');
  badOption(
    fromOption === undefined ? 'OTEL_EXPORTER_OTLP_ENDPOINT' : 'endpoint',
    'an http(s) URL',
    candidate,
    DEFAULT_ENDPOINT,
  );
  return DEFAULT_ENDPOINT;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** An explicit option sets all three signal URLs; otherwise the per-signal variables win. */
function pickEndpoints(options: SightlineOptions, env: Env): ResolvedConfig['endpoints'] {
  const base = pickEndpointBase(options, env);
  const signal = (name: string, path: string): string => {
    const specific = nonEmpty(env[name]);
    if (options.endpoint === undefined && specific !== undefined) {
      if (isHttpUrl(specific)) return specific;
      badOption(name, 'an http(s) URL', specific, `${base}${path}`);
    }
    return `${base}${path}`;
  };
  return {
    traces: signal('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '/v1/traces'),
    logs: signal('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', '/v1/logs'),
    metrics: signal('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', '/v1/metrics'),
  };
}

const DEFAULT_SAMPLER: SamplerConfig = { kind: 'always_on', parentBased: true };

function parseRatio(raw: string | undefined, name: string): number {
  const ratio = raw === undefined ? 1 : Number(raw);
  if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) return ratio;
  badOption(name, 'a number in [0, 1]', raw, 1);
  return 1;
}

function pickSampler(options: SightlineOptions, env: Env): SamplerConfig {
  if (options.sampleRatio !== undefined) {
    const ratio = options.sampleRatio;
    if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) {
      return { kind: 'ratio', ratio, parentBased: true };
    }
    badOption('sampleRatio', 'a number in [0, 1]', ratio, 1);
    return DEFAULT_SAMPLER;
  }
  const name = nonEmpty(env.OTEL_TRACES_SAMPLER)?.toLowerCase();
  const arg = nonEmpty(env.OTEL_TRACES_SAMPLER_ARG);
  switch (name) {
    case undefined:
      return DEFAULT_SAMPLER;
    case 'always_on':
    case 'always_off':
      return { kind: name, parentBased: false };
    case 'parentbased_always_on':
      return { kind: 'always_on', parentBased: true };
    case 'parentbased_always_off':
      return { kind: 'always_off', parentBased: true };
    case 'traceidratio':
      return {
        kind: 'ratio',
        ratio: parseRatio(arg, 'OTEL_TRACES_SAMPLER_ARG'),
        parentBased: false,
      };
    case 'parentbased_traceidratio':
      return {
        kind: 'ratio',
        ratio: parseRatio(arg, 'OTEL_TRACES_SAMPLER_ARG'),
        parentBased: true,
      };
    default:
      badOption('OTEL_TRACES_SAMPLER', 'a known sampler name', name, 'parentbased_always_on');
      return DEFAULT_SAMPLER;
  }
}

const KNOWN_PROPAGATORS: readonly PropagatorName[] = ['tracecontext', 'baggage', 'b3', 'b3multi'];

function pickPropagators(options: SightlineOptions, env: Env): PropagatorName[] {
  const raw = nonEmpty(env.OTEL_PROPAGATORS);
  let names: PropagatorName[] = ['tracecontext', 'baggage'];
  if (raw !== undefined) {
    names = [];
    for (const part of raw.split(',').map((p) => p.trim().toLowerCase())) {
      if (part === 'none' || part === '') continue;
      if ((KNOWN_PROPAGATORS as readonly string[]).includes(part)) {
        names.push(part as PropagatorName);
      } else {
        badOption('OTEL_PROPAGATORS', `a list of ${KNOWN_PROPAGATORS.join(', ')}`, part, 'skipped');
      }
    }
  }
  if (options.b3 === 'single' && !names.includes('b3')) names.push('b3');
  if (options.b3 === 'multi' && !names.includes('b3multi')) names.push('b3multi');
  return names;
}

function pickBatch(
  option: BatchOptions | undefined,
  optionName: string,
  env: Env,
  envPrefix: 'OTEL_BSP' | 'OTEL_BLRP',
  defaultDelayMs: number,
): ResolvedBatch {
  const maxQueueSize = pickInt(
    option?.maxQueueSize,
    `${optionName}.maxQueueSize`,
    env,
    `${envPrefix}_MAX_QUEUE_SIZE`,
    2048,
    1,
  );
  const batchSize = pickInt(
    option?.maxExportBatchSize,
    `${optionName}.maxExportBatchSize`,
    env,
    `${envPrefix}_MAX_EXPORT_BATCH_SIZE`,
    512,
    1,
  );
  return Object.freeze({
    maxQueueSize,
    // A batch larger than the queue could never fill; OTel would clamp it with a warning anyway.
    maxExportBatchSize: Math.min(batchSize, maxQueueSize),
    scheduledDelayMs: pickInt(
      option?.scheduledDelayMs,
      `${optionName}.scheduledDelayMs`,
      env,
      `${envPrefix}_SCHEDULE_DELAY`,
      defaultDelayMs,
      0,
    ),
  });
}

function pickResourceAttributes(options: SightlineOptions): Record<string, ResourceAttributeValue> {
  const attributes: Record<string, ResourceAttributeValue> = {};
  for (const [key, value] of Object.entries(options.resourceAttributes ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      attributes[key] = value;
    } else {
      badOption(`resourceAttributes.${key}`, 'a string, number or boolean', value, 'skipped');
    }
  }
  const version = nonEmpty(options.serviceVersion);
  if (version !== undefined) attributes['service.version'] = version;
  const environment = nonEmpty(options.environment);
  if (environment !== undefined) attributes['deployment.environment.name'] = environment;
  return attributes;
}

/** service.name inside OTEL_RESOURCE_ATTRIBUTES (`k=v,k=v`, values percent-encoded). */
function serviceFromResourceAttributes(env: Env): string | undefined {
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== 'service.name') continue;
    try {
      return nonEmpty(decodeURIComponent(pair.slice(at + 1)));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const SIGNAL_NAME = /^SIG[A-Z0-9]+$/;

function pickSignals(options: SightlineOptions): NodeJS.Signals[] {
  if (options.shutdownSignals === false) return [];
  const signals = options.shutdownSignals ?? ['SIGTERM'];
  return signals.filter((signal) => {
    if (SIGNAL_NAME.test(signal)) return true;
    badOption('shutdownSignals', 'signal names such as "SIGTERM"', signal, 'skipped');
    return false;
  });
}

const QUERY_TEXT_MODES: readonly DbQueryTextMode[] = ['sanitized', 'raw', 'none'];

function pickQueryTextMode(option: DbQueryTextMode | undefined, env: Env): DbQueryTextMode {
  const raw = option ?? nonEmpty(env.SIGHTLINE_DB_QUERY_TEXT)?.toLowerCase();
  if (raw === undefined) return 'sanitized';
  if ((QUERY_TEXT_MODES as readonly string[]).includes(raw)) return raw as DbQueryTextMode;
  const name = option === undefined ? 'SIGHTLINE_DB_QUERY_TEXT' : 'dbQueryText';
  badOption(name, `one of ${QUERY_TEXT_MODES.join(', ')}`, raw, 'sanitized');
  return 'sanitized';
}

/** Checks options and environment once; never throws (a bad value warns and falls back). */
export function resolveConfig(
  options: SightlineOptions = {},
  env: Env = process.env,
): ResolvedConfig {
  const apiKey = nonEmpty(options.apiKey) ?? nonEmpty(env.SIGHTLINE_API_KEY);
  const headers: Record<string, string> = {};
  if (apiKey !== undefined) headers['x-sightline-key'] = apiKey;
  const toggles = options.instrumentations ?? {};
  const config: ResolvedConfig = {
    disabled: options.disabled ?? nonEmpty(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true',
    service:
      nonEmpty(options.service) ??
      nonEmpty(env.OTEL_SERVICE_NAME) ??
      serviceFromResourceAttributes(env) ??
      'unknown_service:node',
    resourceAttributes: Object.freeze(pickResourceAttributes(options)),
    endpoints: Object.freeze(pickEndpoints(options, env)),
    headers: Object.freeze(headers),
    sampler: Object.freeze(pickSampler(options, env)),
    propagators: Object.freeze(pickPropagators(options, env)),
    spans: pickBatch(options.spans, 'spans', env, 'OTEL_BSP', 5000),
    logs: pickBatch(options.logs, 'logs', env, 'OTEL_BLRP', 1000),
    logWorker: options.logWorker ?? true,
    metricIntervalMs: pickInt(
      options.metricIntervalMs,
      'metricIntervalMs',
      env,
      'OTEL_METRIC_EXPORT_INTERVAL',
      60_000,
      100,
    ),
    exportTimeoutMs: pickInt(
      options.exportTimeoutMs,
      'exportTimeoutMs',
      env,
      'OTEL_EXPORTER_OTLP_TIMEOUT',
      10_000,
      1,
    ),
    instrumentations: Object.freeze({
      http: toggles.http ?? true,
      undici: toggles.undici ?? true,
      fastify: toggles.fastify ?? true,
      express: toggles.express ?? true,
      kafkajs: toggles.kafkajs ?? true,
      runtime: toggles.runtime ?? true,
      pg: toggles.pg ?? true,
      mysql2: toggles.mysql2 ?? true,
      ioredis: toggles.ioredis ?? true,
      redis: toggles.redis ?? true,
      mongodb: toggles.mongodb ?? true,
    }),
    dbQueryText: pickQueryTextMode(options.dbQueryText, env),
    ignoreIncomingPaths: Object.freeze([...(options.ignoreIncomingPaths ?? [])]),
    shutdownSignals: Object.freeze(pickSignals(options)),
    shutdownTimeoutMs: pickInt(
      options.shutdownTimeoutMs,
      'shutdownTimeoutMs',
      env,
      undefined,
      5000,
      0,
    ),
    dropWarningIntervalMs: pickInt(
      options.dropWarningIntervalMs,
      'dropWarningIntervalMs',
      env,
      undefined,
      60_000,
      0,
    ),
  };
  return Object.freeze(config);
}
