interface SeriesStart {
  /** Start time in nanoseconds since the epoch, as a decimal string. */
  start: string;
  previous: number;
}

const ONE_MS_NANOS = 1_000_000n;

/**
 * Start times for cumulative remote-write series, which carry none, set the way the
 * OpenTelemetry Collector's Prometheus receiver sets them (its "true reset point" adjuster): the
 * first point seen of a series starts at its own time, later points at that first point's time;
 * a value below the previous one is a reset, and the series then starts 1 ms before the reset
 * point. A point with no recorded value (a stale marker) takes the current start and changes
 * nothing. Bounded, least recently used first out.
 */
export class StartTimes {
  private readonly series = new Map<string, SeriesStart>();

  constructor(private readonly maxSeries = 200_000) {}

  /** The start time of the point of series `key` at `time` (ns); `value` undefined when stale. */
  startOf(key: string, time: string, value: number | undefined): string {
    const known = this.series.get(key);
    if (!known) {
      this.remember(key, { start: time, previous: value ?? NaN });
      return time;
    }
    this.series.delete(key);
    this.series.set(key, known);
    if (value === undefined) return known.start;
    if (value < known.previous) {
      const reset = BigInt(time) - ONE_MS_NANOS;
      known.start = (reset > 0n ? reset : 0n).toString().padStart(time.length, '0');
    }
    known.previous = value;
    return known.start;
  }

  get size(): number {
    return this.series.size;
  }

  private remember(key: string, s: SeriesStart): void {
    this.series.set(key, s);
    if (this.series.size > this.maxSeries) {
      const oldest = this.series.keys().next().value;
      if (oldest !== undefined) this.series.delete(oldest);
    }
  }
}
