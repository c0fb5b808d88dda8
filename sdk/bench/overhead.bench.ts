/**
 * What the Sightline SDK costs a service, against no instrumentation and against plain
 * OpenTelemetry doing the same job.
 *
 *   npm run bench sdk        (or: npx tsx sdk/bench/overhead.bench.ts)
 *
 * 1. Per request: a fastify hello-world in its own process, (a) bare, (b) with plain
 *    OpenTelemetry (NodeTracerProvider + MeterProvider, the same instrumentations, OTLP protobuf)
 *    and (c) with the SDK's `register` preload; both export to the same sink (its own process,
 *    accepts OTLP and discards it). autocannon drives each from this process, variants
 *    interleaved over rounds, each keeping its best round (the least disturbed by whatever else
 *    this shared machine does).
 * 2. Per log line: `logger-overhead.ts` (createLogger against bare pino), run as a child.
 *
 * Both measure the compiled package (`@sightline/sdk` resolves to sdk/dist, which `npm run bench`
 * builds first); tsx only loads the benchmark's own TypeScript (the servers, the plain-OTel preload).
 *
 * Figures only, no assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = 3;
const WARMUP_S = 3;
const MEASURE_S = 8;
const CONNECTIONS = 10;

interface Variant {
  name: string;
  preload: string[];
}

const VARIANTS: Variant[] = [
  { name: 'no SDK', preload: [] },
  { name: 'plain OpenTelemetry', preload: ['--import', `${HERE}otel-preload.ts`] },
  { name: 'Sightline SDK', preload: ['--import', '@sightline/sdk/register'] },
];

interface Measure {
  rps: number;
  p99Ms: number;
}

async function startChild(
  script: string,
  preload: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload, script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const port = await new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      const ready = (JSON.parse(line) as { ready?: number }).ready;
      if (typeof ready === 'number') resolve(ready);
    });
    child.once('exit', () => reject(new Error(`${script} exited before it was ready`)));
  });
  return { child, port };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function load(url: string, seconds: number): Promise<Measure> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return { rps: result.requests.average, p99Ms: result.latency.p99 };
}

async function measureVariant(variant: Variant, sinkUrl: string): Promise<Measure> {
  const { child, port } = await startChild(`${HERE}hello-server.ts`, variant.preload, {
    OTEL_SERVICE_NAME: 'bench-hello',
    OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
  });
  try {
    const url = `http://127.0.0.1:${port}/`;
    await load(url, WARMUP_S);
    return await load(url, MEASURE_S);
  } finally {
    await stop(child);
  }
}

interface LoggerFigures {
  name: string;
  logCallNs: number;
  ratio: number;
}

/** Runs logger-overhead.ts and reads its "log call" column. */
async function loggerOverhead(): Promise<LoggerFigures[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', `${HERE}logger-overhead.ts`], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  await once(child, 'exit');
  const figures: LoggerFigures[] = [];
  for (const m of output.matchAll(/^(.+?)\s+log call\s+(\d+) ns \(([\d.]+)x\)/gm)) {
    figures.push({ name: (m[1] ?? '').trim(), logCallNs: Number(m[2]), ratio: Number(m[3]) });
  }
  if (figures.length < 2) throw new Error(`logger-overhead printed nothing usable:\n${output}`);
  return figures;
}

const fmt = (n: number, digits = 0): string => n.toFixed(digits);

export async function run(): Promise<void> {
  console.log(
    `\n## SDK overhead\n\nfastify hello-world, ${CONNECTIONS} keep-alive connections (autocannon), ` +
      `${MEASURE_S} s after ${WARMUP_S} s warm-up, best of ${ROUNDS} interleaved rounds; ` +
      'each server its own process, exporting to a discarding OTLP sink.\n',
  );
  const sink = await startChild(`${HERE}otlp-sink.ts`, [], {});
  const best = new Map<string, Measure>();
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const variant of VARIANTS) {
        const m = await measureVariant(variant, `http://127.0.0.1:${sink.port}`);
        const kept = best.get(variant.name);
        best.set(variant.name, {
          rps: Math.max(m.rps, kept?.rps ?? 0),
          p99Ms: Math.min(m.p99Ms, kept?.p99Ms ?? Infinity),
        });
      }
    }
  } finally {
    await stop(sink.child);
  }

  const bare = best.get('no SDK') as Measure;
  const otel = best.get('plain OpenTelemetry') as Measure;
  const sdk = best.get('Sightline SDK') as Measure;
  console.log(
    '| variant | req/s | p99 ms | req/s vs no SDK | req/s vs plain OTel | p99 vs plain OTel |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const variant of VARIANTS) {
    const m = best.get(variant.name) as Measure;
    console.log(
      `| ${variant.name} | ${fmt(m.rps)} | ${fmt(m.p99Ms)} | ${fmt(m.rps / bare.rps, 2)}× | ` +
        `${fmt(m.rps / otel.rps, 2)}× | ${fmt(m.p99Ms / otel.p99Ms, 2)}× |`,
    );
  }
  const slower = 1 - sdk.rps / otel.rps;
  console.log(
    `\nGoal: SDK within 5 % of plain OpenTelemetry (req/s). Measured: ` +
      `${fmt(Math.abs(slower) * 100, 1)} % ${slower >= 0 ? 'slower' : 'faster'} — ` +
      `${slower <= 0.05 ? 'met' : 'NOT met'}.`,
  );

  const logger = await loggerOverhead();
  console.log(
    '\n### Per log line\n\n`logger-overhead.ts`: 10 lines per span-wrapped request, 20 000 lines/s, ' +
      'time inside the log call of the median request, best of 4 rounds.\n',
  );
  console.log('| logger | ns per line | vs bare pino |');
  console.log('|---|---:|---:|');
  for (const f of logger) console.log(`| ${f.name} | ${f.logCallNs} | ${fmt(f.ratio, 2)}× |`);
  const sdkLogger = logger[logger.length - 1] as LoggerFigures;
  console.log(
    `\nGoal: logger ≤ 1.5× bare pino. Measured: ${fmt(sdkLogger.ratio, 2)}× — ` +
      `${sdkLogger.ratio <= 1.5 ? 'met' : 'NOT met'}.`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
