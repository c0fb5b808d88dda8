import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { AlertRule } from '@sightline/model/api/alerts';
import type { AlertChannel } from '@sightline/model/api/alert-channels';
import { evaluateQuery } from './evaluate-query.ts';
import { conditionText, thresholdOf } from './condition.ts';
import { canForget } from './forget.ts';
import { Lease } from '@sightline/store/alerts/lease';
import { dashboardUrl } from './links.ts';
import { decideNotification, type NotifyDecision } from './notify-decision.ts';
import type { AlertNotification, DeliveryResult } from './notify/types.ts';
import { appendHistory, type HistoryRow } from '@sightline/store/alerts/history';
import { recordDelivery } from '@sightline/store/alerts/deliveries';
import { listRules } from '@sightline/store/alerts/rules';
import { loadStates, saveStates, type StoredAlert } from '@sightline/store/alerts/states';
import type { StoreTarget } from '@sightline/store/alerts/target';
import { listSilences } from './rules.ts';
import { isSilenced, type ActiveSilence } from './silences.ts';
import { INITIAL_STATE, step } from './state-machine.ts';
import { renderTemplate } from './template.ts';
import { validateRule, type NormalizedRule } from './validate.ts';

/** What the evaluator needs from the notifiers (query/src/alerts/notify/dispatcher.ts). */
export interface Notifier {
  deliver(n: AlertNotification, channels: readonly AlertChannel[]): Promise<DeliveryResult[]>;
  close(): Promise<void>;
}

export interface EvaluatorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EvaluatorOptions {
  readonly store: StoreTarget;
  /** Builds the notifier; its `record` must store every attempt (see recordDelivery). */
  readonly notifier: (record: (r: DeliveryResult) => Promise<void>) => Notifier;
  /** Where dashboard links point: the public URL of the dashboard. */
  readonly publicUrl: () => string;
  readonly tickMs: number;
  readonly leaseMs: number;
  readonly holder?: string;
  readonly logger?: EvaluatorLogger;
}

const alertKey = (ruleId: string, groupKey: string): string => `${ruleId}\u0000${groupKey}`;

/**
 * Runs every enabled rule on its interval while holding the lease (lease.ts), moves each alert
 * through the state machine, records every change, and hands notifications to the notifier.
 */
export class AlertEvaluator {
  readonly lease: Lease;
  private readonly notifier: Notifier;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private leader = false;
  private states = new Map<string, StoredAlert>();
  /** Evaluations in a row each alert's group was missing from its rule's results. */
  private readonly missing = new Map<string, number>();
  private readonly due = new Map<string, { atMs: number; updatedAt: string }>();
  private readonly sending = new Set<Promise<unknown>>();
  private readonly log: EvaluatorLogger;

  constructor(private readonly opts: EvaluatorOptions) {
    const holder = opts.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.lease = new Lease(opts.store, holder, opts.leaseMs);
    this.notifier = opts.notifier((r) => recordDelivery(opts.store, r, this.lease.currentEpoch));
    const quiet = () => undefined;
    this.log = opts.logger ?? { info: quiet, warn: quiet, error: quiet };
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((err: unknown) => this.log.error({ err }, 'alert evaluation tick failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.opts.tickMs);
        });
    };
    loop();
  }

  /**
   * Stops evaluating and waits for notifications in flight. `release: false` leaves the lease to
   * expire, as a crashed process would.
   */
  async stop(opts: { release: boolean } = { release: true }): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    // Closing first: attempts under way finish, but no retry starts (shutdown is not held up
    // by minutes of backoff).
    await this.notifier.close();
    await Promise.allSettled([...this.sending]);
    if (opts.release) await this.lease.release().catch(() => undefined);
    this.leader = false;
  }

  /** One round: lease, then every rule that is due. */
  async tick(): Promise<void> {
    const held = await this.lease.acquireOrRenew();
    if (!held) {
      if (this.leader) this.log.warn({ holder: this.lease.holder }, 'alert evaluator lease lost');
      this.leader = false;
      return;
    }
    if (!this.leader) {
      // A new holder starts from what the previous one stored, so nothing is notified twice.
      this.states = new Map(
        (await loadStates(this.opts.store)).map((s) => [alertKey(s.ruleId, s.groupKey), s]),
      );
      this.due.clear();
      this.leader = true;
      this.log.info(
        { holder: this.lease.holder, epoch: this.lease.currentEpoch },
        'alert evaluator holds the lease',
      );
    }
    const now = Date.now();
    const [rules, silences] = await Promise.all([
      listRules(this.opts.store),
      listSilences(this.opts.store, now),
    ]);
    for (const rule of rules) {
      if (this.stopped || !this.leader) return;
      if (!rule.enabled) continue;
      const due = this.due.get(rule.id);
      if (due && due.updatedAt === rule.updatedAt && due.atMs > Date.now()) continue;
      let n: NormalizedRule;
      try {
        n = validateRule(rule);
      } catch (err) {
        this.log.warn({ err, ruleId: rule.id }, 'stored alert rule no longer valid; skipped');
        continue;
      }
      this.due.set(rule.id, { atMs: Date.now() + n.intervalMs, updatedAt: rule.updatedAt });
      try {
        await this.evaluateRule(rule, n, silences);
      } catch (err) {
        this.log.warn({ err, ruleId: rule.id }, 'alert rule evaluation failed');
      }
    }
  }

  private async evaluateRule(
    rule: AlertRule,
    n: NormalizedRule,
    silences: readonly ActiveSilence[],
  ): Promise<void> {
    const now = Date.now();
    const result = await evaluateQuery(
      { client: this.opts.store.reader, database: this.opts.store.database },
      rule.query,
      n.groupBy,
      n.windowMs,
      now,
    );
    const keys = new Set(result.groups.keys());
    for (const s of this.states.values()) if (s.ruleId === rule.id) keys.add(s.groupKey);

    const updated: StoredAlert[] = [];
    const forgotten: StoredAlert[] = [];
    const history: HistoryRow[] = [];
    const sends: { alert: StoredAlert; decision: NotifyDecision }[] = [];
    for (const groupKey of keys) {
      const key = alertKey(rule.id, groupKey);
      const prev = this.states.get(key);
      const observed = result.groups.get(groupKey);
      const missingEvals = observed ? 0 : (this.missing.get(key) ?? 0) + 1;
      this.missing.set(key, missingEvals);
      const groupLabels = observed?.labels ?? prev?.groupLabels ?? {};
      const value = observed ? observed.value : result.absent;
      const r = step({
        prev: prev?.state ?? INITIAL_STATE,
        value,
        condition: rule.condition,
        forMs: n.forMs,
        noData: n.noData,
        nowMs: now,
      });
      const silenced = isSilenced(silences, rule.id, n.labels, groupLabels, now);
      for (const t of r.transitions) {
        history.push({
          ruleId: rule.id,
          ruleName: rule.name,
          groupKey,
          groupLabels,
          from: t.from,
          to: t.to,
          value,
          threshold: thresholdOf(rule.condition),
          noData: r.noData,
          silenced,
          atMs: now,
        });
      }
      const notified = prev?.notified ?? { state: '' as const, atMs: null };
      const decision = silenced
        ? null
        : decideNotification(rule.id, groupKey, r.next, notified, n.repeatMs, now);
      const alert: StoredAlert = {
        ruleId: rule.id,
        groupKey,
        groupLabels,
        state: r.next,
        evaluatedAtMs: now,
        notified: decision ? { state: decision.kind, atMs: now } : notified,
        silenced,
      };
      if (decision) sends.push({ alert, decision });
      if (
        !decision &&
        canForget({ groupKey, missingEvals, next: r.next, notified: alert.notified })
      ) {
        forgotten.push(alert);
      } else {
        updated.push(alert);
      }
    }

    // Fencing: a holder that lost the lease while querying must not write or send.
    if (!(await this.lease.stillHeld())) {
      this.leader = false;
      return;
    }
    const epoch = this.lease.currentEpoch;
    await appendHistory(this.opts.store, history, epoch, this.lease.holder);
    // Stored as notified before sending: a crash mid-send loses a notification rather than
    // sending it twice after the restart.
    await saveStates(this.opts.store, updated, epoch);
    await saveStates(this.opts.store, forgotten, epoch, { forget: true });
    for (const a of updated) this.states.set(alertKey(a.ruleId, a.groupKey), a);
    for (const a of forgotten) {
      this.states.delete(alertKey(a.ruleId, a.groupKey));
      this.missing.delete(alertKey(a.ruleId, a.groupKey));
    }
    for (const { alert, decision } of sends) this.send(rule, n, alert, decision, now);
  }

  private send(
    rule: AlertRule,
    n: NormalizedRule,
    alert: StoredAlert,
    decision: NotifyDecision,
    now: number,
  ): void {
    const s = alert.state;
    const firedAt = s.firedAt ?? now;
    const resolved = decision.kind === 'resolved';
    const url = dashboardUrl(
      this.opts.publicUrl(),
      rule.query,
      alert.groupLabels,
      firedAt - n.windowMs,
      resolved ? Math.max(s.resolvedAt ?? now, firedAt + 1) : now,
    );
    const notification: AlertNotification = {
      notificationId: decision.notificationId,
      ruleId: rule.id,
      ruleName: rule.name,
      severity: rule.severity,
      state: decision.kind,
      groupKey: alert.groupKey,
      groupLabels: alert.groupLabels,
      labels: n.labels,
      value: s.value,
      threshold: thresholdOf(rule.condition),
      condition: conditionText(rule.condition),
      message: renderTemplate(n.message, {
        ruleName: rule.name,
        ruleId: rule.id,
        severity: rule.severity,
        state: decision.kind,
        value: s.value,
        threshold: thresholdOf(rule.condition),
        condition: conditionText(rule.condition),
        groupKey: alert.groupKey,
        groupLabels: alert.groupLabels,
        labels: n.labels,
        dashboardUrl: url,
      }),
      dashboardUrl: url,
      startsAt: new Date(firedAt).toISOString(),
      ...(resolved && s.resolvedAt !== null
        ? { endsAt: new Date(s.resolvedAt).toISOString() }
        : {}),
      repeat: decision.repeat,
    };
    const p = this.notifier
      .deliver(notification, rule.channels)
      .then((results) => {
        const failed = results.filter((r) => !r.ok);
        if (failed.length > 0) {
          this.log.warn(
            { notificationId: notification.notificationId, failed: failed.map((f) => f.channel) },
            'alert notification not delivered',
          );
        }
      })
      .catch((err: unknown) => this.log.error({ err }, 'alert notification failed'))
      .finally(() => this.sending.delete(p));
    this.sending.add(p);
  }
}
