/**
 * The distributed path on this machine: receive → Kafka and Kafka → store measured separately,
 * then consumer lag under a fixed load with both running. Kafka is librdkafka's mock cluster (the
 * only broker installable here), so its CPU share is printed beside the figures.
 *
 *   npm run bench distributed        (BENCH_DIST_SPANS, BENCH_DIST_RATE to change the load)
 *
 * receive runs as `sightline --roles receive`; ingest as deploy/test/fixtures/ingest-process.ts
 * (`--roles ingest,query` with the consumer settings the mock broker needs). Figures only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startMockBroker, type MockBroker } from '../../collector/test/kafka-mock/mock-broker.ts';
import { encode, traceRequest } from '../../collector/bench/otlp-workload.ts';

const SPANS = Number(process.env.BENCH_DIST_SPANS ?? 100_000);
const PER_REQUEST = 1000;
const CONCURRENCY = 8;
/** Spans/s offered in the lag phase. */
const RATE = Number(process.env.BENCH_DIST_RATE ?? 5_000);
const LAG_SECONDS = 20;
const TOPICS = { otlp_spans: 16, otlp_logs: 2, otlp_metrics: 1, sightline_dead_letter: 1 };
const root = join(import.meta.dirname, '../..');

interface Proc {
  child: ChildProcess;
  url: string;
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function spawnReady(args: string[], env: Record<string, string>, ready: RegExp) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, SIGHTLINE_SELF_TELEMETRY: 'off', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const m = ready.exec(line);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code})`)));
  });
  return { child, url };
}

const startReceive = (broker: MockBroker): Promise<Proc> =>
  spawnReady(
    [
      join(root, 'deploy/src/sightline.ts'),
      '--roles',
      'receive',
      '--otlp-port',
      '0',
      '--grpc-port',
      '0',
    ],
    { SIGHTLINE_KAFKA_BROKERS: broker.brokers.join(','), SIGHTLINE_LOG_LEVEL: 'warn' },
    /OTLP\/HTTP\s+(http:\/\/\S+)/,
  );

const startIngest = (broker: MockBroker, dataDir: string): Promise<Proc> =>
  spawnReady(
    [join(root, 'deploy/test/fixtures/ingest-process.ts')],
    {
      SIGHTLINE_ROLES: 'ingest,query',
      SIGHTLINE_DATA_DIR: dataDir,
      SIGHTLINE_API_PORT: '0',
      SIGHTLINE_KAFKA_BROKERS: broker.brokers.join(','),
      SIGHTLINE_RETENTION_TRACES_DAYS: '0',
    },
    /"ready":"(http:\/\/[^"]+)"/,
  );

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  await exited;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function post(url: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function sendAcknowledged(url: string, body: Buffer): Promise<void> {
  for (;;) {
    const status = await post(`${url}/v1/traces`, body);
    if (status === 200) return;
    if (status !== 429 && status !== 503) throw new Error(`HTTP ${status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const bodies = (count: number): Buffer[] => {
  const start = BigInt(Date.now() - 60_000) * 1_000_000n;
  return Array.from({ length: count }, () =>
    encode('traces', traceRequest(PER_REQUEST, start), 'protobuf'),
  );
};

async function metric(url: string, re: RegExp): Promise<number[]> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  return [...text.matchAll(re)].map((m) => Number(m[1]));
}
const spanLag = (url: string) =>
  metric(url, /^sightline_kafka_consumer_lag\{topic="otlp_spans",[^}]*\} (\d+)$/gm);
const rowsStored = async (url: string) =>
  (await metric(url, /^sightline_ingest_rows_total (\d+)$/gm))[0] ?? 0;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function run(): Promise<void> {
  const broker = await startMockBroker({ topics: TOPICS });
  const dataDir = mkdtempSync(join(tmpdir(), 'sl-bench-dist-'));
  const rows: string[] = [];
  try {
    // 1. receive → Kafka alone: how fast spans are acknowledged once Kafka has them.
    const receive = await startReceive(broker);
    const load = bodies(SPANS / PER_REQUEST);
    const c0 = { receive: cpuSeconds(receive.child.pid), broker: cpuSeconds(broker.pid) };
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < load.length) await sendAcknowledged(receive.url, load[next++]!);
      }),
    );
    const sendS = (performance.now() - t0) / 1000;
    const receiveCpu = cpuSeconds(receive.child.pid) - c0.receive;
    const brokerCpu1 = cpuSeconds(broker.pid) - c0.broker;
    rows.push(
      `| receive → Kafka | ${fmt(SPANS / sendS)} | ${fmt(SPANS / receiveCpu)} | ${brokerCpu1.toFixed(1)} s of ${sendS.toFixed(1)} s |`,
    );

    // 2. Kafka → store alone: an ingest process drains what phase 1 left on the topic.
    const c1 = cpuSeconds(broker.pid);
    const t1 = performance.now();
    const ingest = await startIngest(broker, dataDir);
    const i0 = cpuSeconds(ingest.child.pid);
    while ((await rowsStored(ingest.url)) < SPANS) await new Promise((r) => setTimeout(r, 200));
    const drainS = (performance.now() - t1) / 1000;
    const ingestCpu = cpuSeconds(ingest.child.pid) - i0;
    const brokerCpu2 = cpuSeconds(broker.pid) - c1;
    rows.push(
      `| Kafka → store (incl. group join) | ${fmt(SPANS / drainS)} | ${fmt(SPANS / ingestCpu)} | ${brokerCpu2.toFixed(1)} s of ${drainS.toFixed(1)} s |`,
    );

    // 3. Both running, a fixed offered load: how far ingest falls behind.
    const perTick = Math.max(1, Math.round(RATE / PER_REQUEST));
    const lagSamples: number[] = [];
    const tick = bodies(perTick);
    const until = Date.now() + LAG_SECONDS * 1000;
    const sampler = setInterval(() => {
      void spanLag(ingest.url).then((l) => lagSamples.push(l.reduce((a, b) => a + b, 0)));
    }, 1000);
    while (Date.now() < until) {
      const started = Date.now();
      await Promise.all(tick.map((b) => sendAcknowledged(receive.url, b)));
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - started))));
    }
    clearInterval(sampler);
    console.log(
      `\n## Distributed path (receive → Kafka mock broker → ingest → embedded store)\n\n` +
        `${fmt(SPANS)} spans in ${PER_REQUEST}-span OTLP/protobuf requests, ${CONCURRENCY} in flight; ` +
        `topics with ${TOPICS.otlp_spans} span partitions; each stage its own process.\n`,
    );
    console.log('| stage | spans/s | spans per CPU-second of the stage | mock broker CPU |');
    console.log('|---|---:|---:|---:|');
    for (const r of rows) console.log(r);
    console.log(
      `\nConsumer lag at ${fmt(perTick * PER_REQUEST)} spans/s offered for ${LAG_SECONDS} s ` +
        `(messages, summed over partitions, sampled each second): median ${fmt(median(lagSamples))}, ` +
        `max ${fmt(Math.max(0, ...lagSamples))}.`,
    );
    await stop(ingest);
    await stop(receive);
  } finally {
    await broker.stop();
  }
}

if (process.argv[1] === import.meta.filename) await run();
