import { SETTINGS, type Setting } from './config-settings.ts';
import { ROLES } from './roles.ts';

type Key = keyof typeof SETTINGS;

/** The sections of `--help`, by the part of Sightline a setting steers; every setting is in one. */
export const HELP_GROUPS: readonly { readonly title: string; readonly keys: readonly Key[] }[] = [
  {
    title: 'Listeners (receive: OTLP, Zipkin, remote write; query: API and dashboard)',
    keys: [
      'host',
      'otlpPort',
      'grpcPort',
      'apiPort',
      'maxBodyBytes',
      'maxAttributeLength',
      'maxAttributes',
      'timestampFutureMinutes',
      'receiveMemoryMiB',
      'requestTimeoutMs',
      'drainTimeoutMs',
    ],
  },
  {
    title: 'Store (ClickHouse, embedded or a server)',
    keys: [
      'dataDir',
      'clickhouseUrl',
      'clickhouseCluster',
      'database',
      'tracesDays',
      'logsDays',
      'metricsDays',
    ],
  },
  {
    title: 'Ingest (batches into the store)',
    keys: ['batchMaxRows', 'batchLingerMs', 'queueMaxRows'],
  },
  {
    title: 'Query (API, PromQL)',
    keys: [
      'queryTimeoutSeconds',
      'maxTraceSpans',
      'promqlMaxSeries',
      'promqlMaxSamples',
      'promqlTimeoutSeconds',
    ],
  },
  {
    title: 'Roles and Kafka (distributed mode)',
    keys: [
      'roles',
      'kafkaBrokers',
      'kafkaClientId',
      'kafkaGroupId',
      'kafkaTopicSpans',
      'kafkaTopicLogs',
      'kafkaTopicMetrics',
      'kafkaDeadLetterTopic',
      'kafkaAcks',
      'kafkaCompression',
      'kafkaProduceTimeoutMs',
    ],
  },
  {
    title: 'Security',
    keys: [
      'auth',
      'allowedHosts',
      'adminPassword',
      'tlsCert',
      'tlsKey',
      'rateLimitPerMinute',
      'ingestRateLimitPerMinute',
      'sessionHours',
    ],
  },
  {
    title: 'Alerting',
    keys: [
      'publicUrl',
      'alertAllowedNetworks',
      'smtpUrl',
      'smtpFrom',
      'alertTickMs',
      'alertLeaseMs',
    ],
  },
  {
    title: 'Own logs and self-telemetry',
    keys: [
      'logLevel',
      'logFormat',
      'selfTelemetry',
      'selfTelemetryEndpoint',
      'selfTelemetryApiKey',
      'selfTelemetryIntervalMs',
    ],
  },
];

function describeDefault(v: unknown): string {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return 'unset';
  if (v instanceof Set) return v.size === ROLES.length ? 'all' : [...v].join(',');
  return typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v);
}

/** `sightline --help`: one aligned table (flag, variable, default, meaning), grouped by role. */
export function helpText(): string {
  const all = SETTINGS as Record<Key, Setting<unknown>>;
  const rows = HELP_GROUPS.flatMap((g) => g.keys.map((k) => all[k]));
  const head = ['flag', 'environment variable', 'default'] as const;
  const cells = rows.map((s) => [`--${s.flag}`, s.env, describeDefault(s.fallback)] as const);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[], meaning: string) =>
    `  ${c.map((t, i) => t.padEnd(widths[i]!)).join('  ')}  ${meaning}`;
  const out = [
    'Usage: npm start -- [flags]     (or: tsx deploy/src/sightline.ts [flags])',
    '       npm start -- keys create|list|revoke …   manage API keys with the server stopped',
    '',
    'Flags win over environment variables, which win over the defaults.',
    '',
    line(head, 'meaning'),
  ];
  for (const group of HELP_GROUPS) {
    out.push('', `${group.title}:`);
    for (const key of group.keys) {
      const s = all[key];
      out.push(line([`--${s.flag}`, s.env, describeDefault(s.fallback)], s.help));
    }
  }
  return `${out.join('\n')}\n`;
}
