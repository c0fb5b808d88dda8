import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { spawnChild } from './child.ts';

export interface SightlineChild {
  readonly child: ChildProcess;
  readonly otlpUrl: string;
  readonly apiUrl: string;
  readonly dataDir: string;
}

/**
 * Starts the all-in-one (`deploy/src/sightline.ts`) as a child with the caller's environment
 * (SIGHTLINE_DATA_DIR, SIGHTLINE_OTLP_PORT, … apply) and waits for its banner.
 */
export function startSightlineChild(repoRoot: string): Promise<SightlineChild> {
  const child = spawnChild(['--import', 'tsx', 'deploy/src/sightline.ts'], process.env, repoRoot, [
    'ignore',
    'pipe',
    'pipe',
  ]);
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    let otlpUrl: string | undefined;
    let apiUrl: string | undefined;
    const onLine = (line: string): void => {
      output.push(line);
      if (output.length > 50) output.shift();
      otlpUrl ??= /OTLP\/HTTP\s+(\S+)/.exec(line)?.[1];
      apiUrl ??= /API\s+(\S+)\/api\/v1\/health/.exec(line)?.[1];
      const dataDir = /^\s+data\s+(.+)$/.exec(line)?.[1];
      if (otlpUrl !== undefined && apiUrl !== undefined && dataDir !== undefined) {
        child.removeListener('exit', onExit);
        resolve({ child, otlpUrl, apiUrl, dataDir });
      }
    };
    const onExit = (): void => reject(new Error(`Sightline did not start:\n${output.join('\n')}`));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine);
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', onLine);
    child.once('exit', onExit);
  });
}
