import type { FastifyBaseLogger } from 'fastify';
import type { AlertEvaluator } from '@sightline/query/alerts/evaluator';
import { startAlerting } from '@sightline/query/alerts/start-alerting';
import type { StoreClients } from '@sightline/store/client-factory';
import type { AlertingConfig } from '../config.ts';
import type { Stoppable } from './started.ts';

export interface StartedAlerting extends Stoppable {
  /** It evaluates only while it holds the lease. */
  readonly evaluator: AlertEvaluator;
}

/** Starts the alert evaluator; its stop lets notifications in flight finish and hands the lease over. */
export function startAlertingRole(
  config: AlertingConfig,
  deps: {
    readonly store: StoreClients;
    /** The query API's URL once known (links in notifications when no public URL is set). */
    readonly apiUrl: () => string;
    readonly logger: FastifyBaseLogger;
  },
): StartedAlerting {
  const evaluator = startAlerting({
    store: deps.store,
    publicUrl: () => config.publicUrl ?? deps.apiUrl(),
    smtpUrl: config.smtpUrl,
    smtpFrom: config.smtpFrom,
    allowedNetworks: config.allowedNetworks,
    tickMs: config.tickMs,
    leaseMs: config.leaseMs,
    logger: deps.logger.child({ role: 'alerting' }),
  });
  return { evaluator, stop: () => evaluator.stop().catch(() => undefined) };
}
