import type { TopicPartition } from './consumer-types.js';

/** A group member's subscription as the leader's assignor sees it. */
export interface MemberSubscription {
  memberId: string;
  /** Static members' `group.instance.id`; they sort before dynamic ones, as in Kafka. */
  groupInstanceId: string | null;
  topics: readonly string[];
  userData: Buffer | null;
}

/**
 * How the group leader divides partitions among members. `name` is the protocol name announced
 * in JoinGroup: members of different clients interoperate when they share an assignor name and
 * its algorithm (`range` and `roundrobin` here are Kafka's and librdkafka's).
 *
 * @example
 * ```ts
 * const everythingToFirst: PartitionAssignor = {
 *   name: 'first-takes-all',
 *   assign(members, partitionsPerTopic) {
 *     const all = [...partitionsPerTopic].flatMap(([topic, n]) =>
 *       Array.from({ length: n }, (_, partition) => ({ topic, partition })));
 *     return new Map(members.map((m, i) => [m.memberId, i === 0 ? all : []]));
 *   },
 * };
 * ```
 */
export interface PartitionAssignor {
  readonly name: string;
  /**
   * Returns every member's partitions (an entry per member, possibly empty). `partitionsPerTopic`
   * holds the partition count of each subscribed topic that exists; others are left out.
   */
  assign(
    members: readonly MemberSubscription[],
    partitionsPerTopic: ReadonlyMap<string, number>,
  ): Map<string, TopicPartition[]>;
}

/** Kafka's member order (MemberInfo.compareTo): static members by instance id, then by member id. */
export function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null)
    return cmp(a.groupInstanceId, b.groupInstanceId);
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return cmp(a.memberId, b.memberId);
}

/** Java's String.compareTo: UTF-16 code units, which is what `<` compares. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function emptyAssignment(members: readonly MemberSubscription[]): Map<string, TopicPartition[]> {
  return new Map(members.map((m) => [m.memberId, []]));
}

/**
 * Kafka's RangeAssignor: per topic, the subscribed members in order each take a contiguous range
 * of partitions; the first `partitions % members` take one extra. With two members and two
 * 3-partition topics t0 and t1: m0 gets t0-0, t0-1, t1-0, t1-1 and m1 gets t0-2, t1-2.
 */
export const rangeAssignor: PartitionAssignor = {
  name: 'range',
  assign(members, partitionsPerTopic) {
    const out = emptyAssignment(members);
    const sorted = [...members].sort(compareMembers);
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort(cmp);
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic);
      if (count === undefined) continue;
      const consumers = sorted.filter((m) => m.topics.includes(topic));
      const per = Math.floor(count / consumers.length);
      const extra = count % consumers.length;
      consumers.forEach((m, i) => {
        const start = per * i + Math.min(i, extra);
        const length = per + (i < extra ? 1 : 0);
        const list = out.get(m.memberId)!;
        for (let p = start; p < start + length; p++) list.push({ topic, partition: p });
      });
    }
    return out;
  },
};

/**
 * Kafka's RoundRobinAssignor: every subscribed partition, sorted by topic then partition, dealt
 * to the members in order, skipping members not subscribed to the partition's topic. With two
 * members and two 3-partition topics t0 and t1: m0 gets t0-0, t0-2, t1-1 and m1 gets t0-1, t1-0,
 * t1-2.
 */
export const roundRobinAssignor: PartitionAssignor = {
  name: 'roundrobin',
  assign(members, partitionsPerTopic) {
    const out = emptyAssignment(members);
    const sorted = [...members].sort(compareMembers);
    if (sorted.length === 0) return out;
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort(cmp);
    let next = 0;
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic);
      if (count === undefined) continue;
      for (let partition = 0; partition < count; partition++) {
        // A topic in the list has at least one subscriber, so this stops within one lap.
        while (!sorted[next % sorted.length]!.topics.includes(topic)) next++;
        out.get(sorted[next % sorted.length]!.memberId)!.push({ topic, partition });
        next++;
      }
    }
    return out;
  },
};

/** The assignors a group consumer offers by default, in preference order (librdkafka's default). */
export const defaultAssignors: readonly PartitionAssignor[] = [rangeAssignor, roundRobinAssignor];
