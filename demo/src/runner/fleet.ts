import type { ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRunning, spawnChild, stopChild } from './child.ts';

export interface ServiceSpec {
  readonly name: string;
  /** Names of the services it calls (their URLs go in `<NAME>_URL`). */
  readonly calls: readonly string[];
}

/** The shop, in start order: every service after those it calls. */
export const SHOP: readonly ServiceSpec[] = [
  { name: 'payments', calls: [] },
  { name: 'catalog', calls: [] },
  { name: 'cart', calls: ['catalog'] },
  { name: 'checkout', calls: ['cart', 'payments'] },
  { name: 'gateway', calls: ['catalog', 'cart', 'checkout'] },
];

export interface RunningService {
  readonly name: string;
  readonly url: string;
  child: ChildProcess;
  restarts: number;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits until something accepts TCP connections on the port (no HTTP request: no span). */
export async function waitForPort(
  port: number,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(child)) throw new Error(`exited (${child.exitCode ?? child.signalCode})`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`not listening on ${port} after ${timeoutMs} ms`);
}

export interface FleetOptions {
  repoRoot: string;
  /** Environment every service gets (OTLP endpoint, batching, chaos settings, …). */
  env: NodeJS.ProcessEnv;
  /** Told about starts, exits and restarts. */
  report: (message: string) => void;
}

/**
 * Runs the shop's services, each its own process with the SDK preload, and restarts any that
 * dies until stop() is called.
 */
export class Fleet {
  readonly services: RunningService[] = [];
  /** Every child process still alive, the ones being (re)started included. */
  private readonly live = new Set<ChildProcess>();
  private stopping = false;

  constructor(private readonly options: FleetOptions) {}

  /** Starts every service at once (ports are picked first, so each knows where the others are). */
  async start(specs: readonly ServiceSpec[]): Promise<void> {
    const ports = new Map<string, number>();
    for (const spec of specs) ports.set(spec.name, await freePort());
    const started = await Promise.all(
      specs.map(async (spec) => {
        const port = ports.get(spec.name) as number;
        const env: NodeJS.ProcessEnv = { ...this.options.env, PORT: String(port) };
        for (const callee of spec.calls) {
          env[`${callee.toUpperCase()}_URL`] = `http://127.0.0.1:${ports.get(callee)}`;
        }
        const child = await this.launch(spec.name, env, port);
        return {
          service: { name: spec.name, url: `http://127.0.0.1:${port}`, child, restarts: 0 },
          env,
          port,
        };
      }),
    );
    for (const { service, env, port } of started) {
      this.services.push(service);
      this.watch(service, env, port);
    }
  }

  private async launch(name: string, env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
    const child = spawnChild(
      ['--import', 'tsx', '--import', '@sightline/sdk/register', `demo/src/services/${name}.ts`],
      { ...env, OTEL_SERVICE_NAME: name },
      this.options.repoRoot,
      // stdin stays open while the runner lives: a service exits when it closes. The services'
      // own log lines go to Sightline; only their stderr is shown.
      ['pipe', 'ignore', 'inherit'],
    );
    this.live.add(child);
    child.once('exit', () => this.live.delete(child));
    try {
      await waitForPort(port, child, 60_000);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start: ${(err as Error).message}`, { cause: err });
    }
    return child;
  }

  private watch(service: RunningService, env: NodeJS.ProcessEnv, port: number): void {
    service.child.once('exit', (code, signal) => {
      if (this.stopping) return;
      this.options.report(
        `${service.name} (pid ${service.child.pid}) died (${signal ?? `exit code ${code}`}); restarting it`,
      );
      void sleep(500)
        .then(() => (this.stopping ? undefined : this.launch(service.name, env, port)))
        .then(
          (child) => {
            // Stopped meanwhile: stop() took care of the new process (it was in `live`).
            if (child === undefined || this.stopping) return;
            service.child = child;
            service.restarts += 1;
            this.options.report(`${service.name} restarted (pid ${child.pid})`);
            this.watch(service, env, port);
          },
          (err: Error) => {
            if (!this.stopping) {
              this.options.report(`${service.name} could not be restarted: ${err.message}`);
            }
          },
        );
    });
  }

  /** Stops every service and waits for them; SIGTERM makes the SDK flush before exiting. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.live].map((child) => stopChild(child, 10_000)));
  }

  /** Best effort when the runner itself is going down hard. */
  killAll(): void {
    for (const child of this.live) child.kill('SIGKILL');
  }
}
