/**
 * `npm run demo`: a small coffee shop of microservices, instrumented with @sightline/sdk, under
 * steady traffic and a bit of chaos, sending everything to Sightline.
 *
 *   gateway ─► catalog
 *           ─► cart ─► catalog
 *           ─► checkout ─► cart
 *                       ─► payments   (HTTP, or kafkajs when SIGHTLINE_DEMO_KAFKA_BROKERS is set)
 *
 * Starts the all-in-one itself unless SIGHTLINE_OTLP_URL points at a running Sightline. Stops on
 * Ctrl-C (or after SIGHTLINE_DEMO_DURATION_S): traffic first, then the services (which flush
 * their telemetry), then the all-in-one it started.
 */
import { fileURLToPath } from 'node:url';
import { stopChild } from './runner/child.ts';
import { DemoConfigError, loadDemoConfig, type DemoConfig } from './runner/config.ts';
import { Fleet, SHOP } from './runner/fleet.ts';
import { startSightlineChild, type SightlineChild } from './runner/sightline-child.ts';
import { Traffic } from './runner/traffic.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const say = (line = ''): void => void process.stdout.write(`${line}\n`);

let config: DemoConfig;
try {
  config = loadDemoConfig(process.env);
} catch (err) {
  if (!(err instanceof DemoConfigError)) throw err;
  process.stderr.write(`demo: ${err.message}\n`);
  process.exit(2);
}

// What is running, for stop(), which a signal may call at any point of the start-up.
const running: {
  sightline?: SightlineChild;
  fleet?: Fleet;
  traffic?: Traffic;
  statusTimer?: NodeJS.Timeout;
} = {};
let stopping: Promise<void> | undefined;

function stop(reason: string): Promise<void> {
  stopping ??= (async () => {
    say(`\n${reason}: stopping traffic, then the services (they flush), then Sightline…`);
    clearInterval(running.statusTimer);
    await running.traffic?.stop();
    await running.fleet?.stop();
    if (running.sightline !== undefined) await stopChild(running.sightline.child, 60_000);
    say('demo stopped');
  })();
  return stopping;
}

process.on('SIGINT', () => void stop('Ctrl-C').then(() => process.exit(0)));
process.on('SIGTERM', () => void stop('SIGTERM').then(() => process.exit(0)));
// If the runner dies some other way, take the children along.
process.on('exit', () => {
  running.fleet?.killAll();
  if (running.sightline?.child.exitCode === null) running.sightline.child.kill('SIGKILL');
});

let otlpUrl = config.otlpUrl;
let apiUrl = config.apiUrl;
if (otlpUrl === undefined) {
  say('Starting the Sightline all-in-one (set SIGHTLINE_OTLP_URL to use a running one)…');
  try {
    running.sightline = await startSightlineChild(REPO_ROOT);
  } catch (err) {
    process.stderr.write(`demo: ${(err as Error).message}\n`);
    process.exit(1);
  }
  ({ otlpUrl, apiUrl } = running.sightline);
  say(`  pid ${running.sightline.child.pid}, data in ${running.sightline.dataDir}`);
}

const fleet = new Fleet({
  repoRoot: REPO_ROOT,
  report: (message) => say(`  ! ${message}`),
  env: {
    ...process.env,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
    // Demo pacing: data shows up within seconds rather than the production defaults.
    OTEL_BSP_SCHEDULE_DELAY: '1000',
    OTEL_BLRP_SCHEDULE_DELAY: '1000',
    // Unless set: the demo's test reads breaker states each second.
    OTEL_METRIC_EXPORT_INTERVAL: process.env.OTEL_METRIC_EXPORT_INTERVAL ?? '5000',
    OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=shop,deployment.environment=demo',
  },
});
running.fleet = fleet;
say(
  `Starting the shop (payments over ${config.kafkaBrokers ? `Kafka ${config.kafkaBrokers}` : 'HTTP'})…`,
);
try {
  await fleet.start(SHOP);
} catch (err) {
  process.stderr.write(`demo: ${(err as Error).message}\n`);
  await stop('a service failed to start');
  process.exit(1);
}

const gateway = fleet.services.find((s) => s.name === 'gateway');
const traffic = new Traffic(gateway?.url ?? '', config.rate);
running.traffic = traffic;
traffic.start();

say();
say('Sightline demo is running');
say(`  telemetry to  ${otlpUrl}`);
for (const s of fleet.services) say(`  ${s.name.padEnd(9)} ${s.url}  pid ${s.child.pid}`);
say(`  traffic       ~${config.rate} shopping sessions/s into the gateway, with chaos:`);
say('                random latency (catalog, checkout, payments), random 5xx (cart, checkout,');
say('                payments), declined cards, and cart crashing now and then (restarted here)');
say();
say('Where to look:');
say(`  services      ${apiUrl}/api/v1/services`);
say(`  traces        ${apiUrl}/api/v1/traces?service=gateway`);
say(`  failing ones  ${apiUrl}/api/v1/traces?service=gateway&status=error`);
say(`  error logs    ${apiUrl}/api/v1/logs?q=${encodeURIComponent('level:error')}`);
say(`  metrics       ${apiUrl}/api/v1/metrics/names?prefix=shop.`);
say(`  dashboard     ${apiUrl}/  (after npm start has built it)`);
say(config.durationS > 0 ? `Stopping after ${config.durationS} s.` : 'Ctrl-C stops it.');
say();

running.statusTimer = setInterval(() => {
  const { sessions, requests, outcomes } = traffic.stats;
  const restarts = fleet.services.reduce((n, s) => n + s.restarts, 0);
  say(
    `  … ${sessions} sessions, ${requests} requests (${Object.entries(outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}), ${restarts} restarts`,
  );
}, 10_000);

if (config.durationS > 0) {
  setTimeout(
    () => void stop(`${config.durationS} s are up`).then(() => process.exit(0)),
    config.durationS * 1000,
  );
}
