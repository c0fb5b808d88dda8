import type { FastifyBaseLogger } from 'fastify';
import type { StoreClients } from '@sightline/store/client-factory';
import { AlertEvaluator } from './evaluator.ts';
import { createDispatcher } from './notify/dispatcher.ts';

export interface AlertingOptions {
  readonly store: StoreClients;
  readonly publicUrl: () => string;
  readonly smtpUrl: string | undefined;
  readonly smtpFrom: string;
  readonly tickMs: number;
  readonly leaseMs: number;
  /** Loopback, link-local or private networks that webhook and Slack channels may reach. */
  readonly allowedNetworks: readonly string[];
  readonly logger: FastifyBaseLogger;
  /** Test hook: a fixed lease holder name. */
  readonly holder?: string;
}

/** The evaluator with the notifiers plugged in, started. Stop it with `stop()`. */
export function startAlerting(opts: AlertingOptions): AlertEvaluator {
  const evaluator = new AlertEvaluator({
    store: opts.store,
    publicUrl: opts.publicUrl,
    tickMs: opts.tickMs,
    leaseMs: opts.leaseMs,
    logger: opts.logger,
    ...(opts.holder !== undefined ? { holder: opts.holder } : {}),
    notifier: (record) =>
      createDispatcher({
        ...(opts.smtpUrl !== undefined ? { smtp: { url: opts.smtpUrl, from: opts.smtpFrom } } : {}),
        allowedNetworks: opts.allowedNetworks,
        record,
        onRecordError: (err, r) =>
          opts.logger.warn(
            { err, notificationId: r.notificationId },
            'alert delivery result not recorded',
          ),
      }),
  });
  evaluator.start();
  return evaluator;
}
