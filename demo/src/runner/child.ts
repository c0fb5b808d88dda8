import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { once } from 'node:events';

/**
 * A child process of the demo, in its own process group: a Ctrl-C in the terminal reaches only
 * the runner, which then stops the children in order (services first, so they can flush).
 */
export function spawnChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  stdio: StdioOptions,
): ChildProcess {
  return spawn(process.execPath, args, { cwd, env, stdio, detached: true });
}

export const isRunning = (child: ChildProcess): boolean =>
  child.exitCode === null && child.signalCode === null;

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (!isRunning(child)) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
