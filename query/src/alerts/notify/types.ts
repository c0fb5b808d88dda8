/** What the alerting engine hands the notifiers: one state change (or reminder) of one alert group. */
export interface AlertNotification {
  /** Stable idempotency key: ruleId + groupKey + state + transition time. */
  readonly notificationId: string;
  readonly ruleId: string;
  readonly ruleName: string;
  readonly severity: 'critical' | 'warning' | 'info';
  readonly state: 'firing' | 'resolved';
  /** '' without group-by, e.g. 'service=checkout'. */
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  /** The rule's labels. */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number | null;
  /** null: the rule has no threshold (a PromQL rule alerting on the series it returns). */
  readonly threshold: number | null;
  /** e.g. '> 0.05' */
  readonly condition: string;
  /** Template already rendered by the engine. */
  readonly message: string;
  /** Absolute link to the view showing the problem. */
  readonly dashboardUrl: string;
  /** ISO 8601. */
  readonly startsAt: string;
  /** ISO 8601. */
  readonly endsAt?: string;
  /** A repeat-interval reminder of a still-firing alert. */
  readonly repeat: boolean;
}

/** One attempt to send one notification to one channel (the store keeps it). */
export type { DeliveryResult } from '@sightline/store/alerts/deliveries';
