/**
 * What the Sightline SDK costs a service, against no instrumentation and against plain
 * OpenTelemetry doing the same job.
 *
 *   npm run bench sdk        (or: npx tsx sdk/bench/overhead.bench.ts)
 *
 * 1. Per request: a fastify hello-world in its own process, (a) bare, (b) with plain
 *    OpenTelemetry (otel-preload.ts: the same instrumentations, exporters and resource detectors)
 *    and (c) with the SDK's `register` preload; both export to the same sink (its own process,
 *    accepts OTLP and discards it). autocannon drives each from this process, variants
 *    interleaved over rounds, the order rotated each round so that none always runs first or
 *    last. Reported: medians over rounds of req/s and of the server's CPU time per request
 *    (every thread of the process, from /proc), and the median of each round's SDK / plain
 *    OpenTelemetry ratio. CPU per request is the steadier figure on a shared machine: time the
 *    server waits for a core does not count in it.
 * 2. Per log line: `logger-overhead.ts` (createLogger against bare pino), run as a child.
 *
 * Both measure the compiled package (`@sightline/sdk` resolves to sdk/dist, which `npm run bench`
 * builds first); tsx only loads the benchmark's own TypeScript (the servers, the plain-OTel preload).
 *
 * Figures only, no assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = Number(process.env.BENCH_SDK_ROUNDS ?? 5);
const WARMUP_S = 3;
const MEASURE_S = 8;
const CONNECTIONS = 10;

interface Variant {
  name: string;
  preload: string[];
}

const OTEL = 'plain OpenTelemetry';
const SDK = 'Sightline SDK';
const VARIANTS: Variant[] = [
  { name: 'no SDK', preload: [] },
  { name: OTEL, preload: ['--import', `${HERE}otel-preload.ts`] },
  { name: SDK, preload: ['--import', '@sightline/sdk/register'] },
  // More servers for the same rounds, e.g. another build of the SDK to compare with this one:
  // BENCH_SDK_EXTRA='SDK before=/tmp/before/register.js;…' (name=module to --import).
  ...(process.env.BENCH_SDK_EXTRA ?? '')
    .split(';')
    .filter((entry) => entry.includes('='))
    .map((entry) => {
      const at = entry.indexOf('=');
      return { name: entry.slice(0, at), preload: ['--import', entry.slice(at + 1)] };
    }),
];

interface Measure {
  rps: number;
  p99Ms: number;
  /** CPU time of the server process (all threads) per request served, µs. */
  cpuUs: number;
}

const TICKS_PER_S = 100; // USER_HZ, the unit of utime/stime in /proc/<pid>/stat on Linux

/** User + system CPU time of a process so far, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

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

async function load(url: string, seconds: number, pid: number): Promise<Measure> {
  const before = cpuTicks(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  const ticks = cpuTicks(pid) - before;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  const cpuUs = (ticks * 1e6) / TICKS_PER_S / result.requests.total;
  return { rps: result.requests.average, p99Ms: result.latency.p99, cpuUs };
}

async function measureVariant(variant: Variant, sinkUrl: string): Promise<Measure> {
  const { child, port } = await startChild(`${HERE}hello-server.ts`, variant.preload, {
    OTEL_SERVICE_NAME: 'bench-hello',
    OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
  });
  try {
    const url = `http://127.0.0.1:${port}/`;
    const pid = child.pid as number;
    await load(url, WARMUP_S, pid);
    return await load(url, MEASURE_S, pid);
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
      `${MEASURE_S} s after ${WARMUP_S} s warm-up, median of ${ROUNDS} interleaved rounds ` +
      '(order rotated each round); each server its own process, exporting to a discarding OTLP ' +
      'sink. CPU: the server process, all threads, per request.\n',
  );
  const sink = await startChild(`${HERE}otlp-sink.ts`, [], {});
  const rounds: Map<string, Measure>[] = [];
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const measured = new Map<string, Measure>();
      for (let i = 0; i < VARIANTS.length; i += 1) {
        const variant = VARIANTS[(round + i) % VARIANTS.length] as Variant;
        measured.set(variant.name, await measureVariant(variant, `http://127.0.0.1:${sink.port}`));
      }
      rounds.push(measured);
    }
  } finally {
    await stop(sink.child);
  }

  const of = (name: string, pick: (m: Measure) => number): number[] =>
    rounds.map((r) => pick(r.get(name) as Measure));
  const medianOf = (name: string, pick: (m: Measure) => number): number => median(of(name, pick));
  // Each round's ratio compares two servers measured minutes apart at most.
  const ratio = (name: string, pick: (m: Measure) => number): number =>
    median(rounds.map((r) => pick(r.get(name) as Measure) / pick(r.get(OTEL) as Measure)));
  console.log(
    '| variant | req/s | p99 ms | CPU µs/req | req/s vs no SDK | req/s vs plain OTel | ' +
      'CPU/req vs plain OTel | req/s per round |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const { name } of VARIANTS) {
    const rps = medianOf(name, (m) => m.rps);
    console.log(
      `| ${name} | ${fmt(rps)} | ${fmt(medianOf(name, (m) => m.p99Ms))} | ` +
        `${fmt(
          medianOf(name, (m) => m.cpuUs),
          1,
        )} | ` +
        `${fmt(rps / medianOf(VARIANTS[0]?.name ?? '', (m) => m.rps), 2)}× | ` +
        `${fmt(
          ratio(name, (m) => m.rps),
          2,
        )}× | ${fmt(
          ratio(name, (m) => m.cpuUs),
          2,
        )}× | ` +
        `${of(name, (m) => m.rps)
          .map((v) => fmt(v))
          .join(', ')} |`,
    );
  }
  const sdkRatio = ratio(SDK, (m) => m.rps);
  console.log(
    `\nGoal: SDK within 5 % of plain OpenTelemetry (req/s ≥ 0.95×). Measured: ` +
      `${fmt(sdkRatio, 2)}× (median of the rounds' ratios), CPU per request ` +
      `${fmt(
        ratio(SDK, (m) => m.cpuUs),
        2,
      )}× — ${sdkRatio >= 0.95 ? 'met' : 'NOT met'}.`,
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
