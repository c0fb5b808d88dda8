import type { PromMetadata } from './remote-write-proto.ts';

export interface FamilyInfo {
  /** COUNTER, GAUGE, HISTOGRAM, GAUGEHISTOGRAM, SUMMARY, INFO, STATESET or UNKNOWN. */
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

/**
 * Metric family metadata remembered across requests: Prometheus sends it on its own schedule
 * (every minute by default), in requests separate from the samples it describes. Bounded, oldest
 * first out, so a sender with endless families cannot grow it without limit.
 */
export class MetadataCache {
  private readonly families = new Map<string, FamilyInfo>();

  constructor(private readonly maxFamilies = 50_000) {}

  learn(metadata: readonly PromMetadata[] | undefined): void {
    for (const m of metadata ?? []) {
      const name = m.metricFamilyName ?? '';
      if (name === '') continue;
      this.families.delete(name);
      this.families.set(name, {
        type: m.type ?? 'UNKNOWN',
        help: m.help ?? '',
        unit: m.unit ?? '',
      });
      if (this.families.size > this.maxFamilies) {
        const oldest = this.families.keys().next().value;
        if (oldest !== undefined) this.families.delete(oldest);
      }
    }
  }

  get(family: string): FamilyInfo | undefined {
    return this.families.get(family);
  }

  get size(): number {
    return this.families.size;
  }
}
