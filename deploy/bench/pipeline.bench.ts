/**
 * End-to-end ingest through the OTLP endpoint, each stage alone and the engine's ceiling, in one run.
 * The server runs in its own process (as `npm start` does); this process generates the load.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Metadata, credentials, status as GrpcStatus } from '@grpc/grpc-js';
import { GRPC_SERVICES } from '@sightline/collector/receive/grpc-server';
import { createStoreClients } from '@sightline/store/client-factory';
import { encode, logRequest, traceRequest } from '../../collector/bench/otlp-workload.ts';
import { measureStages, printStages } from './ingest-stages.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 200_000);
const PER_REQUEST = Number(process.env.BENCH_PER_REQUEST ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Each figure is the median of this many runs (the machine is shared and noisy). */
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const root = join(import.meta.dirname, '../..');

type Signal = 'traces' | 'logs';
type Encoding = 'protobuf' | 'json';
/** OTLP/HTTP in either encoding, or OTLP/gRPC (protobuf bodies on one HTTP/2 channel). */
type Transport = Encoding | 'grpc';

function makeRequests(signal: Signal): object[] {
  const start = BigInt(Date.now() - 60_000) * 1_000_000n;
  return Array.from({ length: Math.ceil(ITEMS / PER_REQUEST) }, () =>
    signal === 'traces' ? traceRequest(PER_REQUEST, start) : logRequest(PER_REQUEST, start),
  );
}

async function startServer(dataDir: string, insertFormat: string) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'deploy/src/sightline.ts'),
      '--otlp-port',
      '0',
      '--grpc-port',
      '0',
      '--api-port',
      '0',
      '--data-dir',
      dataDir,
      '--log-level',
      'warn',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: root,
      // Its own telemetry would add rows to what is measured.
      env: {
        ...process.env,
        SIGHTLINE_SELF_TELEMETRY: 'off',
        SIGHTLINE_INSERT_FORMAT: insertFormat,
      },
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!/OTLP\/gRPC\s+http:\/\/\S+/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = /OTLP\/HTTP\s+(http:\/\/\S+)/.exec(out)![1]!;
  const grpcAddress = /OTLP\/gRPC\s+http:\/\/(\S+)/.exec(out)![1]!;
  const rss = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
  };
  // CPU seconds of the whole server process and of its main (JavaScript) thread.
  const cpu = () => {
    const ticks = (path: string) => {
      const f = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    };
    return {
      process: ticks(`/proc/${child.pid}/stat`),
      main: ticks(`/proc/${child.pid}/task/${child.pid}/stat`),
    };
  };
  const stop = async () => {
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return { url, grpcAddress, rss, cpu, stop };
}

// node:http with keep-alive: the load generator shares the two cores with the server, and fetch
// costs it several times more CPU per request.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, contentType: string, body: Buffer): Promise<number> {
  return new Promise((resolvePost, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': contentType, 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolvePost(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function load(url: string, signal: Signal, bodies: Buffer[], encoding: Encoding) {
  const contentType = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
  let next = 0;
  let retries = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      for (;;) {
        const status = await post(`${url}/v1/${signal}`, contentType, body);
        if (status === 200) break;
        if (status !== 429 && status !== 503) throw new Error(`HTTP ${status}`);
        retries++;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { seconds: (performance.now() - t0) / 1000, retries };
}

/** Same load shape as `load`: CONCURRENCY calls in flight, refusals retried after 100 ms. */
async function loadGrpc(address: string, signal: Signal, bodies: Buffer[]) {
  // One channel, as an OTel exporter uses: HTTP/2 multiplexes the calls in flight.
  const client = new Client(address, credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
  });
  const path = `/${GRPC_SERVICES[signal]}/Export`;
  const identity = (b: Buffer) => b;
  const exportOnce = (body: Buffer) =>
    new Promise<GrpcStatus>((resolve, reject) =>
      client.makeUnaryRequest(path, identity, identity, body, new Metadata(), (err) => {
        if (!err) resolve(GrpcStatus.OK);
        else if (err.code === GrpcStatus.UNAVAILABLE || err.code === GrpcStatus.RESOURCE_EXHAUSTED)
          resolve(err.code);
        else reject(err);
      }),
    );
  let next = 0;
  let retries = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      while ((await exportOnce(body)) !== GrpcStatus.OK) {
        retries++;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    client.close();
  }
  return { seconds: (performance.now() - t0) / 1000, retries };
}

async function diskPerRow(dataDir: string) {
  const store = createStoreClients({ dataDir, database: 'sightline' });
  try {
    const out: Record<string, number> = {};
    for (const table of ['otel_traces', 'otel_logs']) {
      await store.writer.command({ query: `OPTIMIZE TABLE sightline.${table} FINAL` });
      const rs = await store.reader.query({
        query: `SELECT sum(bytes_on_disk) AS b, sum(rows) AS r FROM system.parts WHERE database = 'sightline' AND table = {t:String} AND active`,
        query_params: { t: table },
        format: 'JSONEachRow',
      });
      const [row] = await rs.json<{ b: string; r: string }>();
      out[table] = Number(row?.b) / Number(row?.r);
    }
    return out;
  } finally {
    await store.close();
  }
}

/** Each server's insert format: the former JSON one beside today's, in the same run. */
const FORMATS = (process.env.BENCH_INSERT_FORMATS ?? 'JSONCompactEachRow,Native').split(',');

interface Result {
  format: string;
  signal: Signal;
  encoding: Transport;
  perSecond: number;
  retries: number;
  cores: number;
  mainCores: number;
}

/** One server with this insert format under every case; its results, memory and data folder. */
async function endToEnd(format: string, requests: Record<Signal, object[]>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sl-bench-e2e-'));
  const server = await startServer(dataDir, format);
  const results: Result[] = [];
  try {
    for (const signal of ['traces', 'logs'] as const) {
      // gRPC beside HTTP protobuf for spans, the figure the gRPC receiver is judged by.
      const transports: readonly Transport[] =
        signal === 'traces' ? ['protobuf', 'json', 'grpc'] : ['protobuf', 'json'];
      for (const encoding of transports) {
        const bodies = requests[signal].map((r) =>
          encode(signal, r, encoding === 'grpc' ? 'protobuf' : encoding),
        );
        const runs = [];
        for (let i = 0; i < REPEATS; i++) {
          const before = server.cpu();
          const { seconds, retries } =
            encoding === 'grpc'
              ? await loadGrpc(server.grpcAddress, signal, bodies)
              : await load(server.url, signal, bodies, encoding);
          const after = server.cpu();
          runs.push({
            perSecond: (bodies.length * PER_REQUEST) / seconds,
            retries,
            cores: (after.process - before.process) / seconds,
            mainCores: (after.main - before.main) / seconds,
          });
        }
        // The run with the median throughput, so its CPU figures belong to it.
        runs.sort((a, b) => a.perSecond - b.perSecond);
        results.push({ format, signal, encoding, ...runs[Math.floor(runs.length / 2)]! });
      }
    }
  } finally {
    const mem = server.rss();
    await server.stop();
    console.log(
      `\n${format} inserts: server RSS at end ${mem.rssMiB.toFixed(0)} MiB, peak ${mem.peakMiB.toFixed(0)} MiB`,
    );
  }
  return { results, dataDir };
}

export async function run(): Promise<void> {
  console.log(
    `\n## ingest pipeline — ${ITEMS} items per case, ${PER_REQUEST} per request, ${CONCURRENCY} requests in flight, median of ${REPEATS} runs`,
  );
  const requests = { traces: makeRequests('traces'), logs: makeRequests('logs') };
  const results: Result[] = [];
  let dataDir = '';
  for (const format of FORMATS) {
    const r = await endToEnd(format, requests);
    results.push(...r.results);
    dataDir = r.dataDir;
  }
  const disk = await diskPerRow(dataDir);
  const stages = {
    traces: await measureStages('traces', requests.traces, REPEATS),
    logs: await measureStages('logs', requests.logs, REPEATS),
  };
  const ceiling = { traces: stages.traces.ceilingNative, logs: stages.logs.ceilingNative };
  console.log(
    '\n| insert format | signal | encoding | end to end /s | engine ceiling (Native file) /s | ratio | server CPU (cores) | of which JS main thread | 429/503 retries |',
  );
  console.log('|---|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const c = ceiling[r.signal];
    console.log(
      `| ${r.format} | ${r.signal} | ${r.encoding} | ${Math.round(r.perSecond)} | ${Math.round(c)} | ${(r.perSecond / c).toFixed(2)} | ${r.cores.toFixed(2)} | ${r.mainCores.toFixed(2)} | ${r.retries} |`,
    );
  }
  const last = FORMATS[FORMATS.length - 1]!;
  const perSecond = (encoding: Transport, format = last) =>
    results.find((r) => r.format === format && r.signal === 'traces' && r.encoding === encoding)!
      .perSecond;
  console.log(
    `\nspans/s OTLP/gRPC ÷ OTLP/HTTP protobuf (${last}): ${(perSecond('grpc') / perSecond('protobuf')).toFixed(2)}`,
  );
  if (FORMATS.length > 1)
    for (const enc of ['protobuf', 'json', 'grpc'] as const)
      console.log(
        `spans/s ${last} ÷ ${FORMATS[0]} over ${enc}: ${(perSecond(enc) / perSecond(enc, FORMATS[0])).toFixed(2)}`,
      );
  console.log(
    `bytes on disk per span ${disk.otel_traces!.toFixed(1)}, per log ${disk.otel_logs!.toFixed(1)} (after OPTIMIZE FINAL, ${last})`,
  );
  printStages(stages);
}
