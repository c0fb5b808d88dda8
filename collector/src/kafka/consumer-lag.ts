import type { Admin } from 'kafkajs';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** Kafka's high watermark − our committed offset, as last seen by this member. */
  readonly lag: number;
}

const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** The lag this member sees from what it fetched and committed, with no call to Kafka. */
export class MemberLag {
  private readonly watermarks = new Map<
    string,
    { readonly topic: string; readonly partition: number; high: number; committed: number }
  >();

  /** A fetched batch: its high watermark, and (first time) its first offset as committed. */
  fetched(topic: string, partition: number, high: number, firstOffset: number): void {
    const w = this.watermarks.get(keyOf(topic, partition));
    if (w) w.high = high;
    else
      this.watermarks.set(keyOf(topic, partition), {
        topic,
        partition,
        high,
        committed: firstOffset,
      });
  }

  committed(topic: string, partition: number, offset: number): void {
    const w = this.watermarks.get(keyOf(topic, partition));
    if (w) w.committed = Math.max(w.committed, offset);
  }

  /** Messages not yet committed, per partition this member has read. */
  lag(): PartitionLag[] {
    return [...this.watermarks.values()].map((w) => ({
      topic: w.topic,
      partition: w.partition,
      lag: Math.max(0, w.high - w.committed),
    }));
  }
}

/**
 * The whole group's lag from Kafka itself (admin API): every partition's high watermark minus
 * the group's committed offset (or minus the log start, before anything was committed).
 */
export async function readGroupLag(
  admin: Admin,
  groupId: string,
  topics: string[],
): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics });
  const out: PartitionLag[] = [];
  for (const t of committed) {
    const ends = new Map((await admin.fetchTopicOffsets(t.topic)).map((o) => [o.partition, o]));
    for (const p of t.partitions) {
      const end = ends.get(p.partition);
      if (!end) continue;
      const at = Number(p.offset);
      const from = at >= 0 ? at : Number(end.low);
      out.push({
        topic: t.topic,
        partition: p.partition,
        lag: Math.max(0, Number(end.high) - from),
      });
    }
  }
  return out;
}
