/**
 * The traffic generator: shoppers that browse, fill a cart and (mostly) check out, through the
 * gateway only. It runs in the runner, which has no SDK: each session starts a new trace at the
 * gateway, as a browser's would.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface TrafficStats {
  sessions: number;
  requests: number;
  /** Answers by status class ('2xx', '4xx', '5xx') or 'network' for a failed connection. */
  outcomes: Record<string, number>;
}

const PRODUCT_IDS = ['espresso-beans', 'moka-pot', 'grinder', 'milk-jug', 'scale', 'kettle', 'mug'];
const MAX_IN_FLIGHT = 20;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

export class Traffic {
  readonly stats: TrafficStats = { sessions: 0, requests: 0, outcomes: {} };
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly gatewayUrl: string,
    private readonly sessionsPerSecond: number,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops starting sessions and waits for those under way. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.inFlight);
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.inFlight.size < MAX_IN_FLIGHT) {
        const session = this.session().finally(() => this.inFlight.delete(session));
        this.inFlight.add(session);
      }
      // Poisson arrivals: exponential gaps around the mean.
      await sleep(-Math.log(1 - Math.random()) * (1000 / this.sessionsPerSecond));
    }
  }

  private async request(method: string, path: string, body?: unknown): Promise<boolean> {
    this.stats.requests += 1;
    let outcome: string;
    try {
      const res = await fetch(`${this.gatewayUrl}${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      outcome = `${Math.floor(res.status / 100)}xx`;
    } catch {
      outcome = 'network';
    }
    this.stats.outcomes[outcome] = (this.stats.outcomes[outcome] ?? 0) + 1;
    return outcome === '2xx';
  }

  private async session(): Promise<void> {
    this.stats.sessions += 1;
    const user = `user-${1 + Math.floor(Math.random() * 40)}`;
    if (!(await this.request('GET', '/api/products'))) return;
    const items = 1 + Math.floor(Math.random() * 3);
    for (let i = 0; i < items; i += 1) {
      await sleep(50 + Math.random() * 200);
      const productId = Math.random() < 0.03 ? 'no-such-product' : pick(PRODUCT_IDS);
      await this.request('POST', `/api/cart/${user}/items`, {
        productId,
        quantity: 1 + Math.floor(Math.random() * 2),
      });
    }
    if (Math.random() < 0.75) await this.request('POST', `/api/checkout/${user}`);
  }
}
