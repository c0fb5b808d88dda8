import { reportSdkProblem, SightlineSdkError } from './errors.ts';

export type Signal = 'spans' | 'logs' | 'metrics';

/** Telemetry items given up on since start: queue full, or export failed after its retries. */
export interface DroppedCounts {
  spans: number;
  logs: number;
  metrics: number;
}

/** Where drops are reported: the process-wide counter, or (in the log worker) a forwarder. */
export interface DropSink {
  add(signal: Signal, count: number, reason: string): void;
}

/**
 * Counts what the SDK had to drop and warns about it at most once per interval, so an outage
 * of Sightline shows up in the app's output without flooding it.
 */
export class DropCounter implements DropSink {
  private readonly totals: DroppedCounts = { spans: 0, logs: 0, metrics: 0 };
  private readonly unreported: DroppedCounts = { spans: 0, logs: 0, metrics: 0 };
  private lastWarningAt = Number.NEGATIVE_INFINITY;
  private readonly reasons = new Set<string>();

  constructor(
    private warningIntervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  setWarningInterval(ms: number): void {
    this.warningIntervalMs = ms;
  }

  add(signal: Signal, count: number, reason: string): void {
    if (!(count > 0)) return;
    this.totals[signal] += count;
    this.unreported[signal] += count;
    // A handful of distinct reasons is enough for the warning; keep the set from growing.
    if (this.reasons.size < 5) this.reasons.add(reason);
    if (this.now() - this.lastWarningAt >= this.warningIntervalMs) this.warn();
  }

  counts(): DroppedCounts {
    return { ...this.totals };
  }

  /** Reports drops not yet warned about (called at shutdown so the last ones are not silent). */
  flushWarning(): void {
    if (this.unreported.spans + this.unreported.logs + this.unreported.metrics > 0) this.warn();
  }

  private warn(): void {
    const { spans, logs, metrics } = this.unreported;
    const reasons = [...this.reasons].join('; ');
    this.lastWarningAt = this.now();
    this.unreported.spans = 0;
    this.unreported.logs = 0;
    this.unreported.metrics = 0;
    this.reasons.clear();
    reportSdkProblem(
      new SightlineSdkError(
        'SL_ERR_SDK_TELEMETRY_DROPPED',
        `dropped ${spans} spans, ${logs} logs, ${metrics} metric points (${reasons}); ` +
          `totals so far: ${JSON.stringify(this.totals)}`,
      ),
    );
  }
}

// One counter per process, shared by every exporter and by `getDroppedCounts()`; on globalThis
// so that a second copy of this module (preload hook vs app) still reports the same numbers.
const KEY = Symbol.for('@sightline/sdk/drop-counter');
const holder = globalThis as { [KEY]?: DropCounter };
export const dropCounter: DropCounter = (holder[KEY] ??= new DropCounter());

/** How much telemetry was dropped since start, per signal. */
export function getDroppedCounts(): DroppedCounts {
  return dropCounter.counts();
}
