import type { FastifyInstance } from 'fastify';
import type { Admin } from 'kafkajs';
import { ReadyResponse, type ReadyCheck } from '@sightline/model/api/ready';
import type { StoreClients } from '@sightline/store/client-factory';

/** A dependency check: resolves when the dependency answers, rejects with the reason otherwise. */
export type Probe = () => Promise<void>;

export interface ReadinessOptions {
  /** The store this process reads or writes (ingest, query). */
  readonly store?: StoreClients | undefined;
  /** A Kafka admin client of this process (receive or ingest with Kafka). */
  readonly kafkaAdmin?: Admin | undefined;
  /** The ingest consumer's own state: false once it stopped or crashed for good. */
  readonly consumerRunning?: (() => boolean) | undefined;
}

function withTimeout(probe: Probe, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([probe(), late]).finally(() => clearTimeout(timer));
}

/** The checks of this process's roles, by name. */
export function readinessProbes(opts: ReadinessOptions): Record<string, Probe> {
  const probes: Record<string, Probe> = {};
  const { store, kafkaAdmin, consumerRunning } = opts;
  if (store) {
    // The read session: on the embedded store the write session may be busy with an insert.
    probes.store = async () => {
      const rs = await store.reader.query({ query: 'SELECT 1 AS ok', format: 'JSONEachRow' });
      await rs.json();
    };
  }
  if (kafkaAdmin) {
    let connected: Promise<void> | null = null;
    probes.kafka = async () => {
      connected ??= kafkaAdmin.connect().catch((err: unknown) => {
        connected = null;
        throw err;
      });
      await connected;
      // A round trip to the brokers: a connection kafkajs still thinks is open proves nothing.
      const cluster = await kafkaAdmin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('Kafka reports no brokers');
    };
  }
  if (consumerRunning) {
    probes.consumer = () =>
      consumerRunning()
        ? Promise.resolve()
        : Promise.reject(new Error('the ingest consumer stopped or crashed'));
  }
  return probes;
}

/** Runs every probe at once; one that hangs past `timeoutMs` counts as failed. */
export async function checkReadiness(
  probes: Record<string, Probe>,
  timeoutMs = 2_000,
): Promise<ReadyResponse> {
  const names = Object.keys(probes);
  const results = await Promise.allSettled(names.map((n) => withTimeout(probes[n]!, timeoutMs)));
  const checks: Record<string, ReadyCheck> = {};
  results.forEach((r, i) => {
    checks[names[i]!] =
      r.status === 'fulfilled'
        ? { ok: true }
        : { ok: false, error: r.reason instanceof Error ? r.reason.message : String(r.reason) };
  });
  const ready = Object.values(checks).every((c) => c.ok);
  return { status: ready ? 'ready' : 'not ready', checks };
}

/**
 * GET /ready on a listener: 200 only when every dependency of this process answers, 503 with the
 * failing checks otherwise. Liveness stays on /health, so a Kafka or ClickHouse outage takes pods
 * out of the load balancer without restarting them.
 */
export function serveReadiness(
  app: FastifyInstance,
  probes: Record<string, Probe>,
  timeoutMs?: number,
): void {
  app.get(
    '/ready',
    { schema: { response: { 200: ReadyResponse, 503: ReadyResponse } } },
    async (_req, reply) => {
      const result = await checkReadiness(probes, timeoutMs);
      return reply.code(result.status === 'ready' ? 200 : 503).send(result);
    },
  );
}
