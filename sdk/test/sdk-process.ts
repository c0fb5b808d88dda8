import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A service in its own process; its stdout is JSON lines (pino), parsed into `lines`. */
export interface SdkProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** What the process printed as `{"ready": <port>}`. */
  readonly port: number;
  readonly lines: Record<string, unknown>[];
  /** What it wrote to stderr, when started with `captureStderr` (else stderr is the test's). */
  readonly stderr: string[];
  readonly exit: Promise<Exit>;
  /** Resolves with the first line for which `match` holds, now or later. */
  waitForLine(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** SIGKILL if still running (for afterAll). */
  kill(): void;
}

export interface SpawnOptions {
  /** `true`: start with the `@sightline/sdk/register` preload; `false`: the script inits. */
  preload: boolean;
  env: Record<string, string>;
  startTimeoutMs?: number;
  /** Node's flags in place of `--import tsx [--import @sightline/sdk/register]`. */
  nodeArgs?: string[];
  /** Where the process runs (where `@sightline/sdk` is resolved from); the repository by default. */
  cwd?: string;
  captureStderr?: boolean;
}

/**
 * Starts `script` the way a user would (`node --import tsx [--import @sightline/sdk/register]`)
 * and waits for its `{"ready":<port>}` line.
 */
export async function spawnSdkProcess(
  name: string,
  script: string,
  options: SpawnOptions,
): Promise<SdkProcess> {
  const args = options.nodeArgs ?? ['--import', 'tsx'];
  if (options.nodeArgs === undefined && options.preload) {
    args.push('--import', '@sightline/sdk/register');
  }
  const child = spawn(process.execPath, [...args, script], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, OTEL_SERVICE_NAME: name, ...options.env },
    stdio: ['ignore', 'pipe', options.captureStderr === true ? 'pipe' : 'inherit'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => void stderr.push(chunk.toString()));
  const exit = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start`)),
      options.startTimeoutMs ?? 30_000,
    );
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { text };
      }
      if (typeof line.ready === 'number') {
        clearTimeout(timer);
        resolve(line.ready);
        return;
      }
      lines.push(line);
      for (const wake of waiters) wake();
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready`));
    });
  });
  const port = await ready;

  function waitForLine(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs = 30_000,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = lines.find(match);
        if (found === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${name}: no matching line within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  return {
    name,
    child,
    port,
    lines,
    stderr,
    exit,
    waitForLine,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** GET `url` and parse the JSON body; throws on a non-2xx answer. */
export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Polls `probe` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
