/**
 * Committed offsets: OffsetCommit (validated against the group like Kafka does, persisted to
 * `__consumer_offsets` with an fsync before the answer), OffsetFetch from the in-memory cache,
 * OffsetDelete, and expiry per `offsets.retention.minutes`.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { deadlineKey, type CoordinatorCore } from './core.js';
import { ClassicGroup, partitionKey, splitPartitionKey, type CommittedOffset } from './group.js';
import { GroupState } from './group-state.js';
import type { Membership } from './membership.js';
import { OffsetsLogError, type OffsetsLogRecord } from './offsets-log.js';
import {
  encodeGroupKey,
  encodeOffsetKey,
  encodeOffsetValue,
  type OffsetCommitValue,
} from './offsets-records.js';

export interface CommitPartition {
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
  /** OffsetCommit v1's explicit commit time, -1 for "now". */
  readonly commitTimestamp: number;
}

export interface CommitRequest {
  readonly groupId: string;
  /** -1: a simple consumer (or OffsetCommit v0) storing offsets without group membership. */
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** OffsetCommit v2–v4's retention time, -1 for the broker's. */
  readonly retentionTimeMs: number;
  readonly topics: readonly { readonly name: string; readonly partitions: readonly CommitPartition[] }[];
}

export interface TopicPartitionErrors {
  name: string;
  partitions: { partition: number; errorCode: number }[];
}

export interface FetchedOffset {
  partition: number;
  /** -1 when nothing is committed. */
  offset: number;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface FetchResult {
  errorCode: number;
  topics: { name: string; partitions: FetchedOffset[] }[];
}

export interface OffsetDeleteResult {
  errorCode: number;
  topics: TopicPartitionErrors[];
}

const NO_OFFSET = { offset: -1, leaderEpoch: -1, metadata: '' };

function allPartitions(
  topics: readonly { readonly name: string; readonly partitions: readonly { partition: number }[] }[],
  errorCode: number,
): TopicPartitionErrors[] {
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode })),
  }));
}

export class Offsets {
  constructor(
    private readonly core: CoordinatorCore,
    private readonly membership: Membership,
  ) {}

  async commit(req: CommitRequest): Promise<TopicPartitionErrors[]> {
    const { groups, clock, config, logs } = this.core;
    let group = groups.get(req.groupId);
    let error: number = ErrorCode.NONE;
    if (group === undefined) {
      // Without a generation the group only uses Kafka to store offsets; with one, the member's
      // group is gone (Kafka answers ILLEGAL_GENERATION so the member rejoins).
      if (req.generationId < 0) {
        group = new ClassicGroup(req.groupId, clock.now());
        groups.set(req.groupId, group);
      } else {
        error = ErrorCode.ILLEGAL_GENERATION;
      }
    } else {
      error = this.validateCommit(group, req);
    }
    if (group === undefined || error !== ErrorCode.NONE) return allPartitions(req.topics, error);

    const now = clock.now();
    const result = allPartitions(req.topics, ErrorCode.NONE);
    const writes: { key: string; value: OffsetCommitValue; record: OffsetsLogRecord }[] = [];
    const accepted: { partition: number; errorCode: number }[] = [];
    req.topics.forEach((t, ti) => {
      t.partitions.forEach((p, pi) => {
        const out = result[ti]!.partitions[pi]!;
        if (logs.log(t.name, p.partition) === undefined) {
          out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (p.metadata !== null && p.metadata.length > config.offsetMetadataMaxBytes) {
          out.errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        } else if (!Number.isSafeInteger(p.offset)) {
          out.errorCode = ErrorCode.INVALID_COMMIT_OFFSET_SIZE; // beyond 2^53: not representable here
        } else {
          const commitTimestamp = p.commitTimestamp >= 0 ? p.commitTimestamp : now;
          const value: OffsetCommitValue = {
            offset: p.offset,
            leaderEpoch: p.leaderEpoch,
            metadata: p.metadata ?? '',
            commitTimestamp,
            expireTimestamp: req.retentionTimeMs >= 0 ? commitTimestamp + req.retentionTimeMs : -1,
          };
          const record = {
            key: encodeOffsetKey(req.groupId, t.name, p.partition),
            value: encodeOffsetValue(value),
          };
          writes.push({ key: partitionKey(t.name, p.partition), value, record });
          accepted.push(out);
        }
      });
    });
    if (writes.length === 0) {
      if (group.isForgettable()) groups.delete(group.groupId);
      return result;
    }

    group.pendingCommits++;
    let baseOffset: number;
    try {
      baseOffset = await this.core.offsetsLog.append(
        writes.map((w) => w.record),
        { durable: true, now },
      );
    } catch (err) {
      if (!(err instanceof OffsetsLogError)) throw err;
      this.core.log.warn('offset commit not stored', { group: req.groupId, error: err.message });
      for (const a of accepted) a.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      return result;
    } finally {
      group.pendingCommits--;
    }
    if (groups.get(group.groupId) !== group) {
      // Deleted while the commit was being written: tombstone it so a restart does not revive it.
      this.writeInBackground(writes.map((w) => ({ key: w.record.key, value: null })));
      return result;
    }
    writes.forEach((w, i) => {
      const logOffset = baseOffset + i;
      const existing = group.offsets.get(w.key);
      if (existing === undefined || existing.logOffset < logOffset)
        group.offsets.set(w.key, { ...w.value, logOffset });
    });
    return result;
  }

  /**
   * Offsets of `topics` (null: every partition the group has committed). An unknown group, or
   * a partition without a commit, answers offset -1. There are no transactional offset commits
   * yet, so `requireStable` (UNSTABLE_OFFSET_COMMIT while one is pending) has nothing to wait for.
   */
  fetch(
    groupId: string,
    topics: readonly { readonly name: string; readonly partitions: readonly number[] }[] | null,
  ): FetchResult {
    const group = this.core.groups.get(groupId);
    const offsets =
      group === undefined || group.is(GroupState.Dead) ? new Map<string, CommittedOffset>() : group.offsets;
    const answer = (partition: number, o: CommittedOffset | undefined): FetchedOffset => ({
      partition,
      ...(o === undefined
        ? NO_OFFSET
        : { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata }),
      errorCode: ErrorCode.NONE,
    });
    if (topics !== null) {
      return {
        errorCode: ErrorCode.NONE,
        topics: topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => answer(p, offsets.get(partitionKey(t.name, p)))),
        })),
      };
    }
    const byTopic = new Map<string, FetchedOffset[]>();
    for (const [key, o] of offsets) {
      const { topic, partition } = splitPartitionKey(key);
      let list = byTopic.get(topic);
      if (list === undefined) byTopic.set(topic, (list = []));
      list.push(answer(partition, o));
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: [...byTopic].map(([name, partitions]) => ({
        name,
        partitions: partitions.sort((a, b) => a.partition - b.partition),
      })),
    };
  }

  /**
   * OffsetDelete: an Empty group may drop any offset; an active consumer group only those of
   * topics no member subscribes to (GROUP_SUBSCRIBED_TO_TOPIC for the others); an active group
   * of another protocol type none (NON_EMPTY_GROUP).
   */
  async delete(
    groupId: string,
    topics: readonly { readonly name: string; readonly partitions: readonly number[] }[],
  ): Promise<OffsetDeleteResult> {
    const group = this.core.groups.get(groupId);
    const asErrors = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((partition) => ({ partition })),
    }));
    if (group === undefined || group.is(GroupState.Dead)) {
      return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
    }
    let subscribed: ReadonlySet<string> | null | 'none' = 'none';
    if (!group.is(GroupState.Empty)) {
      if (group.protocolType !== 'consumer') return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };
      subscribed = group.subscribedTopics();
    }
    const result = allPartitions(asErrors, ErrorCode.NONE);
    const removed: string[] = [];
    topics.forEach((t, ti) => {
      const inUse = subscribed !== 'none' && (subscribed === null || subscribed.has(t.name));
      t.partitions.forEach((p, pi) => {
        const out = result[ti]!.partitions[pi]!;
        if (this.core.logs.log(t.name, p) === undefined) out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if (inUse) out.errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
        else if (group.offsets.has(partitionKey(t.name, p))) removed.push(partitionKey(t.name, p));
      });
    });
    try {
      await this.removeOffsets(group, removed);
    } catch (err) {
      if (!(err instanceof OffsetsLogError)) throw err;
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
    }
    return { errorCode: ErrorCode.NONE, topics: result };
  }

  /**
   * Removes expired offsets (and groups left with nothing), Kafka's rules: an Empty group's
   * offsets expire `offsets.retention.minutes` after it became Empty; an offsets-only group's
   * and an active consumer group's offsets of unsubscribed topics, that long after their
   * commit; an explicit expiry (OffsetCommit v2–v4) wins. Returns what was removed.
   */
  async expire(): Promise<{ offsets: number; groups: number }> {
    const { groups, clock, config } = this.core;
    const now = clock.now();
    let offsets = 0;
    let removedGroups = 0;
    for (const group of [...groups.values()]) {
      const expired = expiredOffsets(group, now, config.offsetsRetentionMs);
      if (expired.length > 0) {
        await this.removeOffsets(group, expired);
        offsets += expired.length;
      }
      if (group.isForgettable() && groups.get(group.groupId) === group) {
        group.fsm.transitionTo(GroupState.Dead, now);
        groups.delete(group.groupId);
        await this.core.offsetsLog.append([{ key: encodeGroupKey(group.groupId), value: null }], {
          durable: false,
          now,
        });
        removedGroups++;
      }
    }
    if (offsets > 0 || removedGroups > 0)
      this.core.log.info('expired offsets', { offsets, groups: removedGroups });
    return { offsets, groups: removedGroups };
  }

  /** Arms the periodic expiry pass on the coordinator's deadlines. */
  scheduleExpiry(): void {
    const { deadlines, clock, config } = this.core;
    deadlines.schedule(deadlineKey.expiry, clock.now() + config.offsetsRetentionCheckIntervalMs, () => {
      this.expire()
        .catch((err: unknown) => {
          this.core.log.warn('offset expiry failed', {
            error: err instanceof Error ? err.message : String(err),
          });
        })
        .finally(() => {
          this.scheduleExpiry();
        });
    });
  }

  /** Writes tombstones for `keys` (durably), then drops them from the cache. */
  async removeOffsets(group: ClassicGroup, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const records = keys.map((k) => {
      const { topic, partition } = splitPartitionKey(k);
      return { key: encodeOffsetKey(group.groupId, topic, partition), value: null };
    });
    await this.core.offsetsLog.append(records, { durable: true, now: this.core.clock.now() });
    for (const k of keys) group.offsets.delete(k);
  }

  private validateCommit(group: ClassicGroup, req: CommitRequest): number {
    if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    if (req.generationId < 0 && group.is(GroupState.Empty)) return ErrorCode.NONE;
    const invalid = this.membership.validateMember(
      group,
      req.memberId,
      req.groupInstanceId,
      req.generationId,
    );
    if (invalid !== ErrorCode.NONE) return invalid;
    // Between JoinGroup and the leader's SyncGroup the member's assignment is not settled.
    if (group.is(GroupState.CompletingRebalance)) return ErrorCode.REBALANCE_IN_PROGRESS;
    this.membership.scheduleSession(group, group.members.get(req.memberId)!);
    return ErrorCode.NONE;
  }

  private writeInBackground(records: OffsetsLogRecord[]): void {
    this.core.offsetsLog
      .append(records, { durable: false, now: this.core.clock.now() })
      .catch((err: unknown) => {
        this.core.log.warn('offsets tombstone not stored', {
          error: err instanceof Error ? err.message : String(err),
        });
      });
  }
}

function expiredOffsets(group: ClassicGroup, now: number, retentionMs: number): string[] {
  let base: (o: CommittedOffset) => number;
  let subscribed: ReadonlySet<string> | null = null;
  if (group.protocolType === null) {
    base = (o) => o.commitTimestamp; // offsets-only group: each offset ages from its commit
  } else if (group.is(GroupState.Empty)) {
    base = () => group.fsm.stateTimestamp; // the group's offsets age from when it became Empty
  } else if (
    group.protocolType === 'consumer' &&
    group.is(GroupState.Stable) &&
    group.subscribedTopics() !== null
  ) {
    subscribed = group.subscribedTopics();
    base = (o) => o.commitTimestamp; // only topics nobody subscribes to any more
  } else {
    return [];
  }
  const out: string[] = [];
  for (const [key, o] of group.offsets) {
    if (subscribed?.has(splitPartitionKey(key).topic)) continue;
    const due = o.expireTimestamp >= 0 ? now >= o.expireTimestamp : now - base(o) >= retentionMs;
    if (due) out.push(key);
  }
  return out;
}
