import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SightlineConfig } from './config.ts';

/** The listener a port belongs to, and the flag and variable that move it. */
function portOwner(config: SightlineConfig, port: number): [string, string] | undefined {
  if (port === config.otlpPort) return ['OTLP/HTTP', '--otlp-port (SIGHTLINE_OTLP_PORT)'];
  if (port === config.grpcPort) return ['OTLP/gRPC', '--grpc-port (SIGHTLINE_GRPC_PORT)'];
  if (port === config.apiPort) return ['the API and dashboard', '--api-port (SIGHTLINE_API_PORT)'];
  return undefined;
}

/** The process ClickHouse recorded in the folder's `status` file, if it is still running. */
function runningOwner(dataDir: string): number | undefined {
  let status: string;
  try {
    status = readFileSync(join(dataDir, 'status'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(status)?.[1]);
  if (!Number.isInteger(pid) || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    // EPERM: alive, but someone else's.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * One plain sentence for the start-up failures a person can fix at once (a port taken, the data
 * folder held by another Sightline), naming the port or folder and what to do; undefined for
 * anything else, which is logged with its details instead.
 */
export function explainStartUpFailure(err: unknown, config: SightlineConfig): string | undefined {
  const e = err as { code?: unknown; port?: unknown; address?: unknown; message?: unknown };
  if (e?.code === 'EADDRINUSE') {
    const port =
      typeof e.port === 'number' ? e.port : Number(/:(\d+)$/.exec(String(e.message))?.[1]);
    const host = typeof e.address === 'string' ? e.address : config.host;
    const owner = portOwner(config, port);
    return owner
      ? `Port ${port} on ${host} is already in use, so Sightline cannot listen there for ${owner[0]}: ` +
          `stop the program using it, or choose another port with ${owner[1]}.`
      : `Port ${port} on ${host} is already in use: stop the program using it, or choose another port.`;
  }
  if (config.clickhouseUrl === undefined) {
    const text = typeof e?.message === 'string' ? e.message : '';
    const folder = resolve(config.dataDir);
    const pid = runningOwner(folder);
    if (pid !== undefined && /connection for path|Cannot lock file/i.test(text)) {
      return (
        `The data folder ${folder} is in use by another running Sightline (process ${pid}): ` +
        'stop that one first, or give this one its own folder with --data-dir (SIGHTLINE_DATA_DIR).'
      );
    }
  }
  return undefined;
}
