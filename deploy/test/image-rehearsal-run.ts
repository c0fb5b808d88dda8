import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import type { StageResult } from './image-rehearsal.ts';

// Running a rehearsed image: its ENTRYPOINT and HEALTHCHECK as Docker would start them — in the
// WORKDIR, with the container's environment only, as the image's (stand-in) user.

export interface RunAs {
  /** Host path of the image's WORKDIR. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Set when the test runs as root: the unprivileged user standing for the image's USER. */
  readonly user: { readonly uid: number; readonly gid: number } | undefined;
}

export interface Container {
  readonly child: ChildProcess;
  readonly startedAt: number;
  /** The last 20,000 characters of stdout and stderr. */
  output(): string;
  /** `docker stop`: SIGTERM, then the exit code (or the signal that ended it). */
  stop(): Promise<number | string>;
  /** Ends it for good if it still runs (cleanup after a failed test). */
  kill(): Promise<void>;
}

const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

export function runEntrypoint(image: StageResult, as: RunAs): Container {
  const [file, ...args] = image.entrypoint;
  const startedAt = Date.now();
  const child = spawn(file!, args, {
    cwd: as.cwd,
    env: as.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...as.user,
  });
  let output = '';
  const collect = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | string>((r) =>
    child.once('exit', (code, signal) => r(code ?? signal ?? 'unknown')),
  );
  return {
    child,
    startedAt,
    output: () => output,
    stop: () => {
      if (running(child)) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (running(child)) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** One run of the HEALTHCHECK command: exit code, or null when it timed out or could not start. */
export function runHealthcheck(image: StageResult, as: RunAs): Promise<number | null> {
  const check = image.healthcheck;
  if (!check) throw new Error('the image has no HEALTHCHECK');
  return new Promise((resolve) => {
    const [file, ...args] = check.command;
    const child = spawn(file!, args, {
      cwd: as.cwd,
      env: as.env,
      stdio: 'ignore',
      // Docker kills a check that outlives --timeout and counts it as failed.
      timeout: check.timeoutMs,
      ...as.user,
    });
    child.on('exit', (code) => resolve(code));
    child.on('error', () => resolve(null));
  });
}

/**
 * Runs the check until it passes, while the container runs and until Docker would have called it
 * unhealthy (start period plus `retries` intervals). Polls faster than the interval to learn when
 * it first passes. Milliseconds from start to healthy, or undefined.
 */
export async function waitHealthy(
  image: StageResult,
  as: RunAs,
  container: Container,
): Promise<number | undefined> {
  const check = image.healthcheck!;
  const deadline = container.startedAt + check.startPeriodMs + check.retries * check.intervalMs;
  while (Date.now() < deadline && running(container.child)) {
    if ((await runHealthcheck(image, as)) === 0) return Date.now() - container.startedAt;
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '0.0.0.0', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}
