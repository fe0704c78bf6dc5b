import { ErrorCode } from '../protocol/error-codes.js';
import { OffsetCommit, type OffsetCommitRequestTopic } from '../protocol/messages/offset-commit.js';
import { OffsetFetch } from '../protocol/messages/offset-fetch.js';
import { RivuletError } from '../shared/errors.js';
import type { BrokerConnection } from './connection.js';
import type { TopicPartition } from './consumer-types.js';
import { KafkaError } from './errors.js';
import { fromInt64, toInt64 } from './int64.js';

/** An offset to commit: the next offset to read from the partition (Kafka's convention). */
export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: number;
  /** Free text stored with the offset (bounded by the broker's `offset.metadata.max.bytes`). */
  metadata?: string | null;
  /** The leader epoch of the last record consumed, when known (-1: unknown). */
  leaderEpoch?: number;
}

/** A committed offset as OffsetFetch returns it. */
export interface CommittedOffset {
  topic: string;
  partition: number;
  /** The committed offset (the next to read), or null when the group has none for the partition. */
  offset: number | null;
  metadata: string | null;
  leaderEpoch: number;
}

/** Who commits: a member of a generation, or (generation -1, no member id) a simple consumer. */
export interface CommitIdentity {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/** A simple consumer's identity: commits without membership (accepted only into an empty group). */
export function simpleCommitter(groupId: string): CommitIdentity {
  return { groupId, generationId: -1, memberId: '', groupInstanceId: null };
}

/**
 * Sends one OffsetCommit to the group's coordinator and throws a {@link KafkaError} for the first
 * partition the broker refused (after it answered for all). The caller decides what an error
 * means: REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID call for a rejoin,
 * NOT_COORDINATOR for a new FindCoordinator.
 */
export async function commitOffsets(
  conn: BrokerConnection,
  who: CommitIdentity,
  offsets: readonly OffsetToCommit[],
): Promise<void> {
  if (offsets.length === 0) return;
  await conn.connect();
  const version = conn.version(OffsetCommit);
  const topics = new Map<string, OffsetCommitRequestTopic>();
  for (const o of offsets) {
    if (!Number.isInteger(o.offset) || o.offset < 0) {
      throw new RivuletError(
        'RIV_ERR_INVALID_ARGUMENT',
        `commit: offset of ${o.topic}-${o.partition} must be an integer ≥ 0, got ${o.offset}`,
      );
    }
    let t = topics.get(o.topic);
    if (t === undefined) {
      t = { name: o.topic, partitions: [] };
      topics.set(o.topic, t);
    }
    t.partitions.push({
      partitionIndex: o.partition,
      committedOffset: toInt64(o.offset, 'commit offset'),
      committedLeaderEpoch: o.leaderEpoch ?? -1,
      commitTimestamp: -1n,
      committedMetadata: o.metadata ?? '',
    });
  }
  const res = await conn.send(
    OffsetCommit,
    version,
    OffsetCommit.createRequest({
      groupId: who.groupId,
      generationIdOrMemberEpoch: who.generationId,
      memberId: who.memberId,
      groupInstanceId: version >= 7 ? who.groupInstanceId : null,
      retentionTimeMs: -1n,
      topics: [...topics.values()],
    }),
  );
  for (const t of res.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE) {
        throw new KafkaError(p.errorCode, {
          api: 'OffsetCommit',
          topic: t.name,
          partition: p.partitionIndex,
          resource: `group '${who.groupId}'`,
        });
      }
    }
  }
}

/**
 * Reads a group's committed offsets for `partitions`, or for every partition the group has
 * committed when `partitions` is null (OffsetFetch v2+). Answers come in the order asked; with
 * null, sorted by topic and partition. Group-level errors (NOT_COORDINATOR,
 * COORDINATOR_LOAD_IN_PROGRESS …) and partition errors throw a {@link KafkaError}.
 */
export async function fetchOffsets(
  conn: BrokerConnection,
  groupId: string,
  partitions: readonly TopicPartition[] | null,
  requireStable = false,
): Promise<CommittedOffset[]> {
  await conn.connect();
  const version = conn.version(OffsetFetch);
  if (partitions === null && version < 2) {
    throw new RivuletError(
      'RIV_ERR_UNSUPPORTED_VERSION',
      `broker ${conn.address} has OffsetFetch v${version}; fetching every committed offset needs v2`,
    );
  }
  const topics =
    partitions === null
      ? null
      : [...groupPartitions(partitions)].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
  const req =
    version >= 8
      ? OffsetFetch.createRequest({
          groups: [{ groupId, memberId: null, memberEpoch: -1, topics }],
          requireStable,
        })
      : OffsetFetch.createRequest({ groupId, topics, requireStable: requireStable && version >= 7 });
  const res = await conn.send(OffsetFetch, version, req);
  let errorCode = res.errorCode;
  let answered = res.topics;
  if (version >= 8) {
    const g = res.groups.find((x) => x.groupId === groupId);
    if (g === undefined) {
      throw new RivuletError(
        'RIV_ERR_CONNECTION',
        `${conn.address} left group '${groupId}' out of OffsetFetch`,
      );
    }
    errorCode = g.errorCode;
    answered = g.topics;
  }
  if (errorCode !== ErrorCode.NONE) {
    throw new KafkaError(errorCode, { api: 'OffsetFetch', resource: `group '${groupId}'` });
  }
  const out: CommittedOffset[] = [];
  for (const t of answered) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE) {
        throw new KafkaError(p.errorCode, { api: 'OffsetFetch', topic: t.name, partition: p.partitionIndex });
      }
      const offset = fromInt64(p.committedOffset, 'OffsetFetch committedOffset');
      out.push({
        topic: t.name,
        partition: p.partitionIndex,
        offset: offset < 0 ? null : offset,
        metadata: p.metadata,
        leaderEpoch: p.committedLeaderEpoch,
      });
    }
  }
  if (partitions === null) {
    return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }
  const byKey = new Map(out.map((o) => [`${o.partition}:${o.topic}`, o]));
  return partitions.map(
    (tp) =>
      byKey.get(`${tp.partition}:${tp.topic}`) ?? {
        topic: tp.topic,
        partition: tp.partition,
        offset: null,
        metadata: null,
        leaderEpoch: -1,
      },
  );
}

function groupPartitions(tps: readonly TopicPartition[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const tp of tps) {
    const list = m.get(tp.topic);
    if (list === undefined) m.set(tp.topic, [tp.partition]);
    else if (!list.includes(tp.partition)) list.push(tp.partition);
  }
  return m;
}
