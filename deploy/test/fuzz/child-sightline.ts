import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface ChildSightline {
  readonly pid: number;
  readonly otlpUrl: string;
  /** Empty for a process without the query role (`api: false`). */
  readonly apiUrl: string;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** Everything the process wrote to stderr and its JSON log so far (for failure messages). */
  output(): string;
  /** Resident set size in bytes, from /proc (Linux only). */
  rssBytes(): number;
  /** The highest resident set size so far (the kernel's high-water mark), in bytes. */
  peakRssBytes(): number;
}

/**
 * Runs the all-in-one CLI as a separate process, as users run it, so it can be killed with
 * SIGKILL or measured on its own. Ports are chosen by the OS and read from the start-up lines;
 * `api: false` for roles without the query API (receive alone), which print no API line.
 */
export async function startChildSightline(
  dataDir: string,
  env: Record<string, string> = {},
  startTimeoutMs = 120_000,
  { api: needsApi = true }: { readonly api?: boolean } = {},
): Promise<ChildSightline> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'deploy/src/sightline.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      SIGHTLINE_DATA_DIR: dataDir,
      SIGHTLINE_OTLP_PORT: '0',
      SIGHTLINE_GRPC_PORT: '0',
      SIGHTLINE_SELF_TELEMETRY: 'off',
      SIGHTLINE_API_PORT: '0',
      SIGHTLINE_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // Always read both pipes: a full pipe would block the child's writes.
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    const otlp = /OTLP\/HTTP\s+(http:\/\/\S+)/.exec(out)?.[1];
    const api = /API\s+(http:\/\/\S+)\/api\/v1\/health/.exec(out)?.[1];
    if (otlp && (api || !needsApi)) {
      return {
        pid: child.pid!,
        otlpUrl: otlp,
        apiUrl: api ?? '',
        process: child,
        exited,
        output: () => out,
        rssBytes: () => rssOf(child.pid!),
        peakRssBytes: () => rssOf(child.pid!, 'VmHWM'),
      };
    }
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Sightline did not start (exit ${child.exitCode}):\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function rssOf(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(status)?.[1];
  if (!kb) throw new Error(`no ${field} for process ${pid}`);
  return Number(kb) * 1024;
}

/** A gauge or counter from the process's Prometheus /metrics text (summed over label sets). */
export async function scrapeMetric(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      found = true;
    }
  }
  if (!found) throw new Error(`metric ${name} not in ${baseUrl}/metrics`);
  return sum;
}
