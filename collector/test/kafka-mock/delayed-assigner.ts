import { setTimeout as sleep } from 'node:timers/promises';
import { AssignerProtocol } from 'kafkajs';
import type { Assignment, GroupMemberAssignment, PartitionAssigner } from 'kafkajs';

export const DELAYED_ROUND_ROBIN = 'DelayedRoundRobinAssigner';
const VERSION = 1;

interface Dealt {
  memberId: string;
  topics: Set<string>;
  assignment: Assignment;
  count: number;
}

/**
 * A round-robin partition assigner for consumer groups on the Kafka mock broker. The group
 * leader computes the assignment, and the mock fails a follower whose SyncGroup arrives after
 * the leader's; waiting before answering lets every follower's SyncGroup arrive first. Real
 * Kafka does not need this; it only makes the leader's SyncGroup later.
 */
export function createDelayedRoundRobinAssigner(delayMs = 300): PartitionAssigner {
  return ({ cluster }) => ({
    name: DELAYED_ROUND_ROBIN,
    version: VERSION,

    async assign({ members, topics }): Promise<GroupMemberAssignment[]> {
      await sleep(delayMs);

      // Sorted, so every leader deals the same way; each member gets only topics it asked for.
      const sorted = members
        .map((m): Dealt => ({
          memberId: m.memberId,
          topics: new Set(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? []),
          assignment: {},
          count: 0,
        }))
        .sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));

      for (const topic of [...topics].sort()) {
        const takers = sorted.filter((m) => m.topics.has(topic));
        if (takers.length === 0) continue;
        const partitions = cluster
          .findTopicPartitionMetadata(topic)
          .map((p) => p.partitionId)
          .sort((a, b) => a - b);
        for (const partition of partitions) {
          // The taker holding the fewest so far, the earliest on a tie: plain round-robin when
          // all subscribe alike, and still even when they do not.
          const member = takers.reduce((best, m) => (m.count < best.count ? m : best));
          (member.assignment[topic] ??= []).push(partition);
          member.count++;
        }
      }

      return sorted.map((m) => ({
        memberId: m.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: VERSION,
          assignment: m.assignment,
          userData: Buffer.alloc(0),
        }),
      }));
    },

    protocol({ topics }) {
      return {
        name: DELAYED_ROUND_ROBIN,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: VERSION,
          topics,
          userData: Buffer.alloc(0),
        }),
      };
    },
  });
}
