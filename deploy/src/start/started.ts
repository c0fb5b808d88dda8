import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Probe } from '../readiness.ts';
import type { RunningAuth } from '../security.ts';
import type { SelfMetrics } from '../self-metrics.ts';

/** What a role's start function returns besides its parts: how to stop what it started. */
export interface Stoppable {
  /** Stops what the role started, in the reverse order it started it; never throws. */
  readonly stop: () => Promise<void>;
}

/** Stop steps run last in, first out, each one's failure ignored so the rest still run. */
export class StopSteps {
  private readonly steps: (() => Promise<unknown>)[] = [];

  push(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  async stop(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await step().catch(() => undefined);
  }
}

/** The URL a listening fastify instance answers on. */
export const urlOf = (app: FastifyInstance): string => {
  const a = app.server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return `${app.initialConfig.https ? 'https' : 'http'}://${host}:${a.port}`;
};

/** A shared stop deadline (epoch ms), set when the stop begins; Infinity until then. */
export type Deadline = () => number;

/** What every listener of a process shares: auth, TLS, self-metrics, readiness, the stop deadline. */
export interface ListenerDeps {
  readonly auth: RunningAuth | undefined;
  readonly tls: { readonly cert: Buffer; readonly key: Buffer } | undefined;
  readonly metrics: SelfMetrics;
  readonly probes: Record<string, Probe>;
  readonly logger: FastifyBaseLogger;
  /** When stopping, connections still open at this time are closed. */
  readonly deadline: Deadline;
}
