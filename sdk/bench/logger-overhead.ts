/**
 * What `createLogger()` costs per log line compared with bare pino, on the same workload:
 * "requests" that each run in a span and log 10 lines, at a steady rate, yielding to the event
 * loop between them like a server would.
 *
 *   npm run build -w sdk && npx tsx sdk/bench/logger-overhead.ts [--in-thread]
 *
 * Prints, per variant: the hot path (time inside the log calls of the median request) and the
 * total CPU of the run
 * (which for the SDK includes parsing the lines into OTel records, protobuf encoding and the
 * HTTP export to a local sink that discards them), each as ns/line and as a ratio to bare pino.
 * Figures only, no assertions: numbers on a shared 2-core machine are noisy; run it twice.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';
import { createLogger, forceFlush, getDroppedCounts, init, shutdown } from '@sightline/sdk';

const ROUNDS = 4;
// `--in-thread`: ship logs on the main thread instead of the log worker, for comparison.
const IN_THREAD = process.argv.includes('--in-thread');
const REQUESTS = 4_000;
const LINES_PER_REQUEST = 10;
const LINES = REQUESTS * LINES_PER_REQUEST;
// A steady 20 000 lines/s (10 requests every 5 ms), far above what a service usually logs but
// below what the export path can sustain, so nothing is dropped and every line costs in full.
const REQUESTS_PER_TICK = 10;
const TICK_MS = 5;

interface Result {
  name: string;
  hotNsPerLine: number;
  /** Time the main thread was busy (event-loop utilisation), all threads excluded. */
  mainNsPerLine: number;
  /** CPU of the whole process, the log worker thread included. */
  cpuNsPerLine: number;
}

const devNull = () => pino.destination({ dest: '/dev/null', sync: true });

async function run(name: string, log: Logger, after?: () => Promise<void>): Promise<Result> {
  const tracer = trace.getTracer('bench');
  const perRequestNs = new Float64Array(REQUESTS);
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  for (let r = 0; r < REQUESTS; r += 1) {
    tracer.startActiveSpan('request', (span) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < LINES_PER_REQUEST; i += 1) {
        log.info({ orderId: r, line: i, amount: 9.99 }, 'order step');
      }
      perRequestNs[r] = Number(process.hrtime.bigint() - t0);
      span.end();
    });
    if (r % REQUESTS_PER_TICK === REQUESTS_PER_TICK - 1) {
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
  }
  await after?.();
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  // The median request: other processes preempting this one on a shared machine only hit a few.
  const median = perRequestNs.sort()[REQUESTS >> 1] ?? 0;
  return {
    name,
    hotNsPerLine: median / LINES_PER_REQUEST,
    mainNsPerLine: (elu.active * 1e6) / LINES,
    cpuNsPerLine: ((cpu.user + cpu.system) * 1000) / LINES,
  };
}

async function main(): Promise<void> {
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const { port } = sink.address() as AddressInfo;

  // Spans are recorded in every variant (the SDK is started first), so the difference between
  // variants is the logging alone.
  init({
    service: 'bench',
    endpoint: `http://127.0.0.1:${port}`,
    shutdownSignals: false,
    ignoreIncomingPaths: ['/v1/traces', '/v1/logs', '/v1/metrics'],
    instrumentations: { runtime: false },
    logs: { maxQueueSize: 8192, scheduledDelayMs: 200 },
    logWorker: !IN_THREAD,
    spans: { maxQueueSize: 8192 },
  });

  // Interleaved rounds after a warm-up; each variant keeps its best round, the one least
  // disturbed by whatever else the machine is doing.
  const bareLog = pino(devNull());
  const sdkLog = createLogger({ destination: devNull() });
  const best = new Map<string, Result>();
  for (let round = 0; round <= ROUNDS; round += 1) {
    for (const [name, log] of [
      ['bare pino', bareLog],
      [`createLogger (${IN_THREAD ? 'in-thread' : 'worker'})`, sdkLog],
    ] as const) {
      const result = await run(name, log, () => forceFlush());
      const kept = best.get(name);
      if (round === 0) continue;
      best.set(name, {
        name,
        hotNsPerLine: Math.min(result.hotNsPerLine, kept?.hotNsPerLine ?? Infinity),
        mainNsPerLine: Math.min(result.mainNsPerLine, kept?.mainNsPerLine ?? Infinity),
        cpuNsPerLine: Math.min(result.cpuNsPerLine, kept?.cpuNsPerLine ?? Infinity),
      });
    }
  }
  const results = [...best.values()];
  await shutdown();
  sink.close();

  const base = results[0] as Result;
  console.log(
    `${LINES} lines per round, ${LINES_PER_REQUEST} per span-wrapped request, best of ${ROUNDS}`,
  );
  for (const r of results) {
    const cell = (value: number, baseline: number): string =>
      `${value.toFixed(0).padStart(6)} ns (${(value / baseline).toFixed(2)}x)`;
    console.log(
      `${r.name.padEnd(26)} log call ${cell(r.hotNsPerLine, base.hotNsPerLine)}   ` +
        `main thread ${cell(r.mainNsPerLine, base.mainNsPerLine)}   ` +
        `process CPU ${cell(r.cpuNsPerLine, base.cpuNsPerLine)}`,
    );
  }
  console.log('dropped', getDroppedCounts());
}

await main();
