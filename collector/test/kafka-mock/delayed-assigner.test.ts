import { AssignerProtocol } from 'kafkajs';
import type { Cluster, Logger } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DELAYED_ROUND_ROBIN, createDelayedRoundRobinAssigner } from './delayed-assigner.ts';

const PARTITIONS: Record<string, number> = { spans: 16, logs: 3 };

const cluster = {
  findTopicPartitionMetadata: (topic: string) =>
    Array.from({ length: PARTITIONS[topic] ?? 0 }, (_, partitionId) => ({
      partitionId,
      partitionErrorCode: 0,
      leader: 1,
      replicas: [1],
      isr: [1],
    })),
} as unknown as Cluster;

function member(memberId: string, topics: string[]) {
  return {
    memberId,
    memberMetadata: AssignerProtocol.MemberMetadata.encode({
      version: 1,
      topics,
      userData: Buffer.alloc(0),
    }),
  };
}

// The assigner uses neither the group id nor the logger.
const instantiate = (delayMs?: number) =>
  createDelayedRoundRobinAssigner(delayMs)({ cluster, groupId: 'g', logger: {} as Logger });

async function assign(delayMs: number, members: ReturnType<typeof member>[]) {
  const result = await instantiate(delayMs).assign({ members, topics: ['spans', 'logs'] });
  return new Map(
    result.map((r) => [
      r.memberId,
      AssignerProtocol.MemberAssignment.decode(r.memberAssignment)?.assignment ?? {},
    ]),
  );
}

describe('createDelayedRoundRobinAssigner', () => {
  it('gives every partition to exactly one subscribed member, evenly', async () => {
    const byMember = await assign(0, [
      member('c', ['spans']),
      member('a', ['spans', 'logs']),
      member('b', ['spans', 'logs']),
    ]);

    for (const [topic, count] of Object.entries(PARTITIONS)) {
      const owners = [...byMember.values()].flatMap((a) => a[topic] ?? []);
      expect(owners.sort((x, y) => x - y)).toEqual([...Array(count).keys()]);
    }
    // 'c' did not subscribe to logs, so it gets none of them.
    expect(byMember.get('c')?.logs).toBeUndefined();
    const totals = [...byMember.values()].map((a) =>
      Object.values(a).reduce((n, ps) => n + ps.length, 0),
    );
    expect(Math.max(...totals) - Math.min(...totals)).toBeLessThanOrEqual(1);
  });

  it('answers only after its delay', async () => {
    const started = performance.now();
    await assign(300, [member('a', ['spans'])]);
    // Timers may fire a millisecond early on some platforms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  it('advertises itself under its own protocol name', () => {
    const state = instantiate().protocol({ topics: ['spans'] });
    expect(state.name).toBe(DELAYED_ROUND_ROBIN);
    expect(AssignerProtocol.MemberMetadata.decode(state.metadata)?.topics).toEqual(['spans']);
  });
});
