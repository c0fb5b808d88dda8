import Fastify from 'fastify';
import { guardReceiveApp } from '@sightline/collector/receive/auth';
import type { SightlineConfig } from '../config.ts';
import { serveReadiness } from '../readiness.ts';
import { urlOf, type ListenerDeps, type Stoppable } from './started.ts';

export interface StartedOpsListener extends Stoppable {
  readonly url: string;
}

/**
 * The listener of a process with no other one (ingest only): health checks, readiness and the
 * metrics scrape, on the API port.
 */
export async function startOpsListener(
  config: Pick<SightlineConfig, 'host' | 'apiPort'>,
  deps: Pick<ListenerDeps, 'auth' | 'tls' | 'metrics' | 'probes'>,
): Promise<StartedOpsListener> {
  const { auth, tls } = deps;
  const ops = Fastify({ logger: false, ...(tls ? { https: tls } : {}) });
  if (auth) guardReceiveApp(ops, auth.authenticate, auth.routes.receive);
  deps.metrics.serve(ops);
  ops.get('/health', (_req, reply) => reply.send({ status: 'ok' }));
  serveReadiness(ops, deps.probes);
  try {
    await ops.listen({ host: config.host, port: config.apiPort });
  } catch (err) {
    await ops.close();
    throw err;
  }
  return { url: urlOf(ops), stop: () => ops.close().catch(() => undefined) };
}
