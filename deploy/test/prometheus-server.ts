import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './image-rehearsal-run.ts';

/**
 * A real Prometheus (Debian's package; scripts/setup-system.sh installs it) for the tests: it
 * scrapes the given targets every second and remote-writes to Sightline.
 */
export interface PrometheusServer {
  /** host:port of its web API (and of its own /metrics). */
  readonly address: string;
  /** Its recent output, for failure messages. */
  log(): string;
  exited(): boolean;
  /** GET /api/v1/<path> of its HTTP API; the `data` of a success. */
  api<T>(path: string, params: Record<string, string>): Promise<T>;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** Where to remote-write: Sightline's OTLP listener (the path is added). */
  readonly sightlineUrl: string;
  /** job name → targets (host:port); `self` stands for Prometheus' own address. */
  readonly jobs: Readonly<Record<string, readonly string[]>>;
  /** More command-line flags (`--enable-feature=native-histograms`). */
  readonly flags?: readonly string[];
}

export async function startPrometheus(opts: PrometheusOptions): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-prometheus-'));
  const address = `127.0.0.1:${await freePort()}`;
  const jobs = Object.entries(opts.jobs).map(
    ([job, targets]) => `
  - job_name: ${job}
    static_configs:
      - targets: [${targets.map((t) => `'${t === 'self' ? address : t}'`).join(', ')}]`,
  );
  const config = `
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:${jobs.join('')}
remote_write:
  - url: ${opts.sightlineUrl}/api/v1/write
    queue_config:
      batch_send_deadline: 1s
      min_backoff: 100ms
      max_backoff: 1s
    metadata_config:
      send_interval: 2s
`;
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=${address}`,
      ...(opts.flags ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  // Kept for failure messages: Prometheus logs why it could not start or send.
  const keep = (b: Buffer) => (log = (log + b.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    address,
    log: () => log,
    exited: () => child.exitCode !== null,
    async api<T>(path: string, params: Record<string, string>): Promise<T> {
      const res = await fetch(
        `http://${address}/api/v1/${path}?${new URLSearchParams(params).toString()}`,
      );
      const body = (await res.json()) as { status: string; data: T; error?: string };
      if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error}`);
      return body.data;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
