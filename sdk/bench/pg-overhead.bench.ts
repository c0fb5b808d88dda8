/**
 * What the SDK's PostgreSQL instrumentation costs per query: the same loop of queries against a
 * real PostgreSQL (started here, as the integration tests do), in a process without the SDK and
 * in one with the SDK's preload exporting to a discarding OTLP sink. Variants are interleaved
 * over rounds and each keeps its best round (the least disturbed by the rest of this shared
 * machine).
 *
 *   npm run bench sdk-pg        (or: npx tsx sdk/bench/pg-overhead.bench.ts)
 *
 * Figures only, no assertions.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../test/db-servers.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = 3;

interface Timing {
  medianUs: number;
  p99Us: number;
  meanUs: number;
  instrumented: boolean;
}

// PG_BENCH_PROFILE=<folder>: each child also writes a V8 CPU profile there (cpu-profile-summary.ts reads them).
const PROFILE = process.env.PG_BENCH_PROFILE;

/** Runs `script` with Node's `args` and returns its first JSON line. */
async function firstLine<T>(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ value: T; kill: () => void }> {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  return { value: JSON.parse(line) as T, kill: () => child.kill('SIGTERM') };
}

export async function run(): Promise<void> {
  const postgres = await startPostgres();
  const sink = await firstLine<{ ready: number }>(['--import', 'tsx', `${HERE}otlp-sink.ts`], {});
  const variants = [
    { name: 'no SDK', args: ['--import', 'tsx'] },
    // The same instrumentation-pg, provider and exporter by hand, without Sightline's SDK.
    {
      name: 'plain OpenTelemetry',
      args: ['--import', 'tsx', '--import', `${HERE}otel-preload.ts`],
    },
    { name: 'Sightline SDK', args: ['--import', 'tsx', '--import', '@sightline/sdk/register'] },
  ];
  const best = new Map<string, Timing>();
  const queries = ['tiny', 'sum'];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [q, v] of queries.flatMap((q) => variants.map((v) => [q, v] as const))) {
        const profile =
          PROFILE === undefined
            ? []
            : [
                '--cpu-prof',
                `--cpu-prof-dir=${PROFILE}`,
                `--cpu-prof-name=${q}-${v.name.replace(/ /g, '-')}-${round}.cpuprofile`,
              ];
        const { value, kill } = await firstLine<Timing>(
          [...profile, ...v.args, `${HERE}pg-loop.ts`],
          {
            PG_PORT: String(postgres.port),
            QUERIES: q === 'tiny' ? '3000' : '1000',
            QUERY: q,
            OTEL_SERVICE_NAME: 'pg-bench',
            OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sink.value.ready}`,
            // Room for every span of the loop: all are exported, none dropped (dropping is cheaper).
            OTEL_BSP_MAX_QUEUE_SIZE: '8192',
          },
        );
        kill();
        if (value.instrumented !== (v.name !== 'no SDK')) {
          throw new Error(`${v.name}: pg ${value.instrumented ? 'was' : 'was not'} instrumented`);
        }
        const kept = best.get(`${q} ${v.name}`);
        if (kept === undefined || value.medianUs < kept.medianUs) best.set(`${q} ${v.name}`, value);
      }
    }
  } finally {
    sink.kill();
    await postgres.stop();
  }
  console.log('\n### SDK: PostgreSQL query overhead (pg, one client, best of 3 rounds)\n');
  console.log('| query | variant | median per query | p99 | mean | median vs no SDK |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const label: Record<string, string> = {
    tiny: '`SELECT $1::int` ×3000',
    sum: '`sum` over 10,000 rows ×1000',
  };
  for (const q of queries) {
    const base = best.get(`${q} no SDK`);
    for (const v of variants) {
      const t = best.get(`${q} ${v.name}`);
      if (t === undefined || base === undefined) continue;
      const ratio = t.medianUs / base.medianUs;
      console.log(
        `| ${label[q]} | ${v.name} | ${t.medianUs.toFixed(0)} µs | ${t.p99Us.toFixed(0)} µs | ${t.meanUs.toFixed(0)} µs | ${ratio.toFixed(3)}× (+${((ratio - 1) * 100).toFixed(1)} %, +${(t.medianUs - base.medianUs).toFixed(0)} µs) |`,
      );
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
