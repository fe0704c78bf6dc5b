import { Reader } from '../../protocol/primitives/reader.js';
import { decodeConsumerProtocolAssignment } from '../../protocol/messages/data/consumer-protocol-assignment.js';
import type { LogManager } from '../../storage/log-types.js';
import { partitionKey, splitPartitionKey, type ClassicGroup, type GroupMember } from './group.js';
import type { GroupState } from './group-state.js';

/** Who consumes a partition (from the consumer-protocol assignment of a Stable group). */
export interface PartitionOwner {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
}

/** One partition of a group: committed offset, log end offset and their difference. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** null: nothing committed for this partition (it is only assigned). */
  readonly committedOffset: number | null;
  readonly metadata: string | null;
  /** The partition's high watermark; null when the topic or partition no longer exists. */
  readonly logEndOffset: number | null;
  /** logEndOffset − committedOffset (never negative); null when either is unknown. */
  readonly lag: number | null;
  readonly owner: PartitionOwner | null;
}

/** What `kafka-consumer-groups --describe` shows for one group. */
export interface GroupLag {
  readonly groupId: string;
  readonly state: GroupState;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly generationId: number;
  readonly members: number;
  /** Sorted by topic, then partition. */
  readonly partitions: PartitionLag[];
  /** Sum of the known lags. */
  readonly totalLag: number;
}

/** ConsumerProtocolAssignment's latest version; newer ones only append fields. */
const ASSIGNMENT_MAX_VERSION = 3;

function assignedPartitions(member: GroupMember): { topic: string; partition: number }[] {
  if (member.assignment.length < 2) return [];
  try {
    const r = new Reader(member.assignment);
    const version = r.int16();
    if (version < 0) return [];
    const a = decodeConsumerProtocolAssignment(r, Math.min(version, ASSIGNMENT_MAX_VERSION));
    return a.assignedPartitions.flatMap((tp) =>
      tp.partitions.map((partition) => ({ topic: tp.topic, partition })),
    );
  } catch {
    return []; // not a consumer-protocol assignment: nothing to report per partition
  }
}

/** Committed offset, log end offset and lag of every partition the group commits to or is assigned. */
export function groupLag(group: ClassicGroup, logs: LogManager): GroupLag {
  const owners = new Map<string, PartitionOwner>();
  if (group.protocolType === 'consumer') {
    for (const m of group.members.values()) {
      for (const tp of assignedPartitions(m)) {
        owners.set(partitionKey(tp.topic, tp.partition), {
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
        });
      }
    }
  }
  const keys = new Set([...group.offsets.keys(), ...owners.keys()]);
  const partitions: PartitionLag[] = [];
  let totalLag = 0;
  for (const key of keys) {
    const { topic, partition } = splitPartitionKey(key);
    const committed = group.offsets.get(key);
    const end = logs.log(topic, partition)?.highWatermark ?? null;
    const lag = committed !== undefined && end !== null ? Math.max(0, end - committed.offset) : null;
    if (lag !== null) totalLag += lag;
    partitions.push({
      topic,
      partition,
      committedOffset: committed?.offset ?? null,
      metadata: committed?.metadata ?? null,
      logEndOffset: end,
      lag,
      owner: owners.get(key) ?? null,
    });
  }
  partitions.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  return {
    groupId: group.groupId,
    state: group.state,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    generationId: group.generationId,
    members: group.members.size,
    partitions,
    totalLag,
  };
}
