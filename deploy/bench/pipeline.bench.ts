/**
 * End-to-end ingest through the OTLP endpoint against the store's own ceiling, in one run.
 * The server runs in its own process (as `npm start` does); this process generates the load.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Metadata, credentials, status as GrpcStatus } from '@grpc/grpc-js';
import { emptyBatch, type RowBatch } from '@sightline/model/rows';
import { mapLogs } from '@sightline/collector/otlp/map-logs';
import { mapTraces } from '@sightline/collector/otlp/map-traces';
import { REQUEST_TYPES } from '@sightline/collector/otlp/proto';
import { GRPC_SERVICES } from '@sightline/collector/receive/grpc-server';
import { DEFAULT_LIMITS } from '@sightline/collector/otlp/values';
import { createStoreClients } from '@sightline/store/client-factory';
import { insertRows } from '@sightline/store/insert';
import { migrate } from '@sightline/store/migrate';
import { encode, logRequest, traceRequest } from '../../collector/bench/otlp-workload.ts';

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

async function startServer(dataDir: string) {
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
      env: { ...process.env, SIGHTLINE_SELF_TELEMETRY: 'off' },
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

async function storeCeiling(signal: Signal, requests: object[]): Promise<number> {
  // The same rows, decoded and mapped ahead of time, inserted directly in 20k-row batches.
  const rows: RowBatch[typeof kind] = [];
  const kind = signal === 'traces' ? 'spans' : 'logs';
  for (const req of requests) {
    const decoded = REQUEST_TYPES[signal].decode(encode(signal, req, 'protobuf'));
    const mapped =
      signal === 'traces'
        ? mapTraces(decoded, DEFAULT_LIMITS).rows
        : mapLogs(decoded, DEFAULT_LIMITS).rows;
    (rows as unknown[]).push(...mapped);
  }
  const store = createStoreClients({
    dataDir: mkdtempSync(join(tmpdir(), 'sl-bench-ceiling-')),
    database: 'sightline',
  });
  try {
    await migrate(store.writer, 'sightline', { tracesDays: 0, logsDays: 0, metricsDays: 0 });
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += 20_000) {
      const batch = emptyBatch();
      (batch[kind] as unknown[]) = rows.slice(i, i + 20_000);
      await insertRows(store.writer, 'sightline', kind, batch[kind]);
    }
    return rows.length / ((performance.now() - t0) / 1000);
  } finally {
    await store.close();
  }
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

export async function run(): Promise<void> {
  console.log(
    `\n## ingest pipeline — ${ITEMS} items per case, ${PER_REQUEST} per request, ${CONCURRENCY} requests in flight, median of ${REPEATS} runs`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'sl-bench-e2e-'));
  const server = await startServer(dataDir);
  const results: {
    signal: Signal;
    encoding: Transport;
    perSecond: number;
    retries: number;
    cores: number;
    mainCores: number;
  }[] = [];
  const requests = { traces: makeRequests('traces'), logs: makeRequests('logs') };
  let mem: ReturnType<typeof server.rss> | undefined;
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
        results.push({ signal, encoding, ...runs[Math.floor(runs.length / 2)]! });
      }
    }
  } finally {
    mem = server.rss();
    await server.stop();
  }
  const disk = await diskPerRow(dataDir);
  const median = async (f: () => Promise<number>) => {
    const xs: number[] = [];
    for (let i = 0; i < REPEATS; i++) xs.push(await f());
    return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  };
  const ceiling = {
    traces: await median(() => storeCeiling('traces', requests.traces)),
    logs: await median(() => storeCeiling('logs', requests.logs)),
  };
  console.log(
    '\n| signal | encoding | end to end /s | store ceiling /s | ratio | server CPU (cores) | of which JS main thread | 429/503 retries |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const c = ceiling[r.signal];
    console.log(
      `| ${r.signal} | ${r.encoding} | ${Math.round(r.perSecond)} | ${Math.round(c)} | ${(r.perSecond / c).toFixed(2)} | ${r.cores.toFixed(2)} | ${r.mainCores.toFixed(2)} | ${r.retries} |`,
    );
  }
  const perSecond = (encoding: Transport) =>
    results.find((r) => r.signal === 'traces' && r.encoding === encoding)!.perSecond;
  console.log(
    `\nspans/s OTLP/gRPC ÷ OTLP/HTTP protobuf: ${(perSecond('grpc') / perSecond('protobuf')).toFixed(2)}`,
  );
  console.log(
    `\nserver RSS at end ${mem.rssMiB.toFixed(0)} MiB, peak ${mem.peakMiB.toFixed(0)} MiB`,
  );
  console.log(
    `bytes on disk per span ${disk.otel_traces!.toFixed(1)}, per log ${disk.otel_logs!.toFixed(1)} (after OPTIMIZE FINAL)`,
  );
}
