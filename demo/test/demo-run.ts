import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface DemoRun {
  /** Everything the runner printed (stdout and stderr). */
  output: string;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  /** Every pid the runner reported (services, restarts, its own all-in-one). */
  pids: number[];
}

export interface StartedDemo {
  /** Everything printed so far. */
  readonly output: () => string;
  /** Stops it with SIGINT, as Ctrl-C would, and reports how it went. */
  readonly stop: () => Promise<DemoRun>;
}

/** Starts `npm run demo`'s entry with `env` and resolves once it reports running. */
export async function startDemo(env: Record<string, string>): Promise<StartedDemo> {
  const runner = spawn(process.execPath, ['--import', 'tsx', 'demo/src/run-demo.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(runner, 'exit');
  let output = '';
  runner.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  runner.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const kill = () => {
    if (runner.exitCode === null && runner.signalCode === null) runner.kill('SIGKILL');
  };
  try {
    const deadline = Date.now() + 90_000;
    while (!output.includes('Sightline demo is running')) {
      if (runner.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the demo did not start:\n${output}`);
      }
      await sleep(200);
    }
  } catch (err) {
    kill();
    throw err;
  }
  return {
    output: () => output,
    stop: async () => {
      try {
        runner.kill('SIGINT');
        const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
        const pids = [...output.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
        return { output, exit: { code, signal }, pids };
      } finally {
        kill();
      }
    },
  };
}

/** Runs the demo with `env`, lets the traffic flow for `trafficMs` once it runs, then stops it. */
export async function runDemo(env: Record<string, string>, trafficMs: number): Promise<DemoRun> {
  const demo = await startDemo(env);
  await sleep(trafficMs);
  return demo.stop();
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
