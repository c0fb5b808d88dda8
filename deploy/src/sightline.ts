import { SightlineError } from '@sightline/model/errors';
import { loadConfig } from './config.ts';
import { helpText } from './help-text.ts';
import { createServerLogger } from './log-output.ts';
import { explainStartUpFailure } from './start-up-failure.ts';

const argv = process.argv.slice(2);
if (argv[0] === 'keys') {
  try {
    const { runKeysCli } = await import('./keys-cli.ts');
    await runKeysCli(argv.slice(1), process.env, { out: (t) => process.stdout.write(t) });
    process.exit(0);
  } catch (err) {
    process.stderr.write(`sightline keys: ${(err as Error).message}\n`);
    process.exit(err instanceof SightlineError && err.statusCode === 2 ? 2 : 1);
  }
}
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(helpText());
  process.exit(0);
}

let config;
try {
  config = loadConfig(argv, process.env);
} catch (err) {
  process.stderr.write(`sightline: ${(err as Error).message}\n`);
  process.exit(2);
}

const logger = createServerLogger({ level: config.logLevel, format: config.logFormat });

// `npm start` builds the dashboard here rather than in a prestart script, so `--help` and `keys`
// answer at once; npm's --ignore-scripts skips it as it skipped the prestart.
if (
  process.env.npm_lifecycle_event === 'start' &&
  process.env.npm_config_ignore_scripts !== 'true' &&
  config.roles.has('query')
) {
  const started = Date.now();
  const { buildDashboard } = await import('../../dashboard/scripts/build.ts');
  const result = await buildDashboard();
  if (result === 'built') process.stdout.write(`dashboard: built (${Date.now() - started} ms)\n`);
}

try {
  // Loaded only now: its imports (fastify, kafkajs, chDB) take seconds that --help need not wait.
  const { startRoles } = await import('./start-roles.ts');
  const s = await startRoles(config, logger);
  const applied = s.migrations?.applied ?? [];
  const kafka = config.kafka.brokers.length > 0 ? config.kafka.brokers.join(',') : undefined;
  logger.info(
    {
      roles: [...s.roles].join(','),
      otlp: s.otlpUrl,
      grpc: s.grpcUrl,
      api: s.apiUrl,
      store: s.store?.location,
      kafka,
      migrations: applied.length > 0 ? `applied ${applied.join(', ')}` : 'up to date',
    },
    'Sightline is running',
  );
  // Lines people read, and tests parse: where to send data and where to look.
  const lines = [`\nSightline is running (${[...s.roles].join(', ')})`];
  if (s.otlpUrl) lines.push(`  OTLP/HTTP  ${s.otlpUrl}  (POST /v1/traces, /v1/logs, /v1/metrics)`);
  if (s.grpcUrl) lines.push(`  OTLP/gRPC  ${s.grpcUrl}  (trace, logs and metrics Export services)`);
  if (s.apiUrl && s.roles.has('query')) lines.push(`  Dashboard  ${s.apiUrl}/`);
  if (s.apiUrl) lines.push(`  API        ${s.apiUrl}/api/v1/health`);
  if (kafka) lines.push(`  Kafka      ${kafka}`);
  if (s.store) lines.push(`  data       ${s.store.location}`);
  process.stdout.write(`${lines.join('\n')}\n\n`);
  // One Ctrl-C under `npm start` arrives several times within milliseconds: from the terminal to
  // every process of the group, and relayed by npm and tsx. Only a signal a second or more after
  // the first is someone asking again, impatiently.
  let stoppingAt: number | undefined;
  const stop = (signal: string) => {
    if (stoppingAt !== undefined) {
      if (Date.now() - stoppingAt < 1000) return;
      logger.warn('second signal: exiting without waiting');
      process.exit(1);
    }
    stoppingAt = Date.now();
    logger.info({ signal }, 'draining: storing what was accepted, then stopping');
    s.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  const plain = explainStartUpFailure(err, config);
  if (plain !== undefined) {
    process.stderr.write(`sightline: ${plain}\n`);
  } else if (err instanceof SightlineError) {
    logger.fatal(`${err.code}: ${err.message}`);
  } else {
    logger.fatal({ err }, 'Sightline failed to start');
  }
  process.exit(1);
}
