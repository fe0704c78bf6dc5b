import { RivuletError } from '../shared/errors.js';
import type { Cluster } from './cluster.js';
import { Consumer } from './consumer.js';
import type { ConsumerOptions, SeekTarget, TopicPartition } from './consumer-types.js';
import type { FetchedPartition } from './fetched-partition.js';
import type { CommittedOffset, OffsetToCommit } from './group-offsets.js';
import {
  GroupMember,
  type GroupMemberOptions,
  type GroupMetadata,
  type RebalanceListener,
} from './group-member.js';

/** Group consumer settings: the consumer's, the member's, commits and rebalance callbacks. */
export interface GroupConsumerOptions extends ConsumerOptions, GroupMemberOptions, RebalanceListener {
  /** Topics to subscribe to at once (or call {@link GroupConsumer.subscribe}). */
  topics?: readonly string[];
  /**
   * Commit the positions of the assigned partitions every `autoCommitIntervalMs` (at the start
   * of a poll: what earlier polls returned counts as processed), before partitions are revoked,
   * and on close. Default true, as Kafka's `enable.auto.commit`.
   */
  autoCommit?: boolean;
  /** Default 5000. */
  autoCommitIntervalMs?: number;
}

const key = (tp: TopicPartition): string => `${tp.partition}:${tp.topic}`;

/**
 * A consumer that reads as a member of a consumer group: the group's leader divides the
 * subscribed topics' partitions among the members, and each member resumes from the offsets
 * the group committed (falling back to `autoOffsetReset`). Rebalances run inside {@link poll};
 * `onRevoked`/`onAssigned`/`onLost` let the application commit or checkpoint around them.
 * Works with any Kafka broker (classic group protocol) and alongside other clients' members
 * that offer a common assignor (`range`, `roundrobin`).
 *
 * Delivery is at-least-once: with auto-commit, what a poll returned is committed at a later
 * poll, before a revocation, or on close; records returned but not processed before a crash are
 * read again by the partition's next owner.
 *
 * @example
 * ```ts
 * const consumer = new GroupConsumer({
 *   bootstrap: '127.0.0.1:9092',
 *   groupId: 'orders-app',
 *   topics: ['orders'],
 *   autoOffsetReset: 'earliest',
 *   onAssigned: (tps) => console.log('assigned', tps),
 * });
 * while (running) {
 *   for (const part of await consumer.poll()) part.forEach((r) => handle(r.value));
 * }
 * await consumer.close(); // commits, then leaves the group
 * ```
 */
export class GroupConsumer {
  /** The membership underneath: member id, generation, state. */
  readonly member: GroupMember;
  private readonly consumer: Consumer;
  private readonly autoCommit: boolean;
  private readonly autoCommitIntervalMs: number;
  private readonly maxWaitMs: number;
  private readonly user: RebalanceListener;
  private readonly listener: RebalanceListener;
  private nextAutoCommitAt = 0;
  /** The last offset known committed per partition, so that unchanged positions are not recommitted. */
  private readonly lastCommitted = new Map<string, number>();
  /** Assigned partitions still to be positioned at their committed offsets (a failed lookup is retried). */
  private unpositioned: TopicPartition[] | null = null;
  private polling: Promise<FetchedPartition[]> | null = null;
  /** close() began: no more polls; commits (from onRevoked) still go through until `closed`. */
  private closing = false;
  private closed = false;
  private shutdown: Promise<void> | null = null;

  constructor(opts: GroupConsumerOptions) {
    const { groupId: _groupId, ...consumerOptions } = opts;
    this.consumer = new Consumer(consumerOptions);
    this.member = new GroupMember(this.consumer.cluster, opts);
    this.autoCommit = opts.autoCommit ?? true;
    this.autoCommitIntervalMs = opts.autoCommitIntervalMs ?? 5000;
    if (!Number.isInteger(this.autoCommitIntervalMs) || this.autoCommitIntervalMs < 0) {
      throw new RivuletError(
        'RIV_ERR_INVALID_ARGUMENT',
        `autoCommitIntervalMs must be an integer ≥ 0, got ${this.autoCommitIntervalMs}`,
      );
    }
    this.maxWaitMs = opts.maxWaitMs ?? 500;
    this.user = pick(opts);
    this.listener = {
      onRevoked: (tps) => this.revoked(tps, false),
      onLost: (tps) => this.revoked(tps, true),
      onAssigned: (tps) => this.assigned(tps),
    };
    if (opts.topics !== undefined) this.member.subscribe(opts.topics);
  }

  get cluster(): Cluster {
    return this.consumer.cluster;
  }

  /** Connects to a bootstrap broker now, so that an unreachable cluster fails here. */
  connect(timeoutMs?: number): Promise<void> {
    return this.consumer.connect(timeoutMs);
  }

  /** Replaces the subscription; the member rejoins the group at the next poll. */
  subscribe(topics: readonly string[]): void {
    if (this.closing) throw this.closedError();
    this.member.subscribe(topics);
  }

  subscription(): readonly string[] {
    return this.member.subscription;
  }

  /** The partitions this member owns in the current generation. */
  assignment(): TopicPartition[] {
    return this.consumer.assignment();
  }

  /** Member id, generation, leadership (empty member id and generation -1 before joining). */
  groupMetadata(): GroupMetadata {
    return this.member.metadata;
  }

  /**
   * Joins or rejoins the group when needed (running the rebalance callbacks), commits when
   * auto-commit is due, then fetches: resolves to the data of the first answer, or to nothing
   * after about `maxWaitMs`. One poll at a time; call it often enough (within
   * `rebalanceTimeoutMs`) or the member leaves the group.
   */
  async poll(): Promise<FetchedPartition[]> {
    this.checkOpen();
    if (this.closing) throw this.closedError();
    if (this.polling !== null) {
      throw new RivuletError(
        'RIV_ERR_INVALID_ARGUMENT',
        'poll() is already running: poll from one loop at a time',
      );
    }
    const p = this.pollOnce();
    this.polling = p;
    try {
      return await p;
    } finally {
      this.polling = null;
    }
  }

  private async pollOnce(): Promise<FetchedPartition[]> {
    this.member.notePoll();
    await this.member.ensureActive(this.listener);
    if (this.unpositioned !== null) await this.restorePositions(this.unpositioned);
    await this.maybeAutoCommit();
    const assigned = this.consumer.assignment();
    if (assigned.length === 0 || this.consumer.paused().length === assigned.length) {
      await this.member.waitForRejoin(this.maxWaitMs);
      return [];
    }
    const parts = await this.consumer.poll();
    if (this.closing) {
      // close() is committing positions: give the data back so that it is not counted as read.
      for (const part of parts) this.consumer.seek(part, part.fetchOffset);
      return [];
    }
    return parts;
  }

  /**
   * Commits offsets for the group: `offsets` as given, or without it the current position of
   * every assigned partition (what the polls so far returned). Positions already committed are
   * skipped. Throws a KafkaError when the group has moved on (REBALANCE_IN_PROGRESS,
   * ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID): the partitions are then revoked at the next poll.
   */
  async commit(offsets?: readonly OffsetToCommit[]): Promise<void> {
    this.checkOpen();
    await this.commitNow(offsets ?? this.positions());
  }

  /** The group's committed offsets for `partitions` (null: nothing committed). */
  committed(partitions: readonly TopicPartition[]): Promise<CommittedOffset[]> {
    this.checkOpen();
    return this.member.committed(partitions);
  }

  /** Moves an assigned partition's position (see Consumer.seek). */
  seek(tp: TopicPartition, target: SeekTarget): void {
    this.consumer.seek(tp, target);
  }

  /** The next offset to be returned for an assigned partition (undefined until known). */
  position(tp: TopicPartition): number | undefined {
    return this.consumer.position(tp);
  }

  highWatermark(tp: TopicPartition): number {
    return this.consumer.highWatermark(tp);
  }

  pause(partitions: readonly TopicPartition[]): void {
    this.consumer.pause(partitions);
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.consumer.resume(partitions);
  }

  paused(): TopicPartition[] {
    return this.consumer.paused();
  }

  endOffsets(partitions: readonly TopicPartition[]): Promise<number[]> {
    return this.consumer.endOffsets(partitions);
  }

  beginningOffsets(partitions: readonly TopicPartition[]): Promise<number[]> {
    return this.consumer.beginningOffsets(partitions);
  }

  /**
   * Leaves the group: a join waiting on the rest of the group is abandoned, the poll in
   * progress (if any) is waited for, the partitions are revoked (auto-commit commits their
   * positions, then `onRevoked` runs), LeaveGroup is sent (not for static members), and the
   * connections close. Safe to call from a signal handler while a poll runs; every call resolves
   * when the one shutdown completes.
   */
  close(): Promise<void> {
    this.shutdown ??= this.shutDown();
    return this.shutdown;
  }

  private async shutDown(): Promise<void> {
    this.closing = true;
    this.member.abortJoin();
    if (this.polling !== null) await this.polling.catch(() => undefined);
    try {
      await this.member.close(this.listener);
    } finally {
      this.closed = true;
      await this.consumer.close();
    }
  }

  private checkOpen(): void {
    if (this.closed) throw this.closedError();
  }

  private closedError(): RivuletError {
    return new RivuletError('RIV_ERR_CLIENT_CLOSED', 'the consumer was closed');
  }

  /** Positions of the assigned partitions that have one. */
  private positions(): OffsetToCommit[] {
    const out: OffsetToCommit[] = [];
    for (const tp of this.consumer.assignment()) {
      const offset = this.consumer.position(tp);
      if (offset !== undefined) out.push({ topic: tp.topic, partition: tp.partition, offset });
    }
    return out;
  }

  private async commitNow(offsets: readonly OffsetToCommit[]): Promise<void> {
    const changed = offsets.filter(
      (o) => this.lastCommitted.get(key(o)) !== o.offset || (o.metadata ?? null) !== null,
    );
    if (changed.length === 0) return;
    await this.member.commit(changed);
    for (const o of changed) this.lastCommitted.set(key(o), o.offset);
  }

  /** Auto-commit: failures are logged, not thrown (a rebalance refuses them; the next one retries). */
  private async autoCommitNow(): Promise<void> {
    this.nextAutoCommitAt = Date.now() + this.autoCommitIntervalMs;
    try {
      await this.commitNow(this.positions());
    } catch (err) {
      this.cluster.options.logger.warn('auto-commit failed', {
        group: this.member.groupId,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private async maybeAutoCommit(): Promise<void> {
    if (this.autoCommit && Date.now() >= this.nextAutoCommitAt) await this.autoCommitNow();
  }

  private async revoked(tps: TopicPartition[], lost: boolean): Promise<void> {
    try {
      if (!lost && this.autoCommit && this.unpositioned === null) await this.autoCommitNow();
      await (lost ? (this.user.onLost ?? this.user.onRevoked) : this.user.onRevoked)?.(tps);
    } finally {
      this.consumer.assign([]);
      this.lastCommitted.clear();
      this.unpositioned = null;
    }
  }

  private async assigned(tps: TopicPartition[]): Promise<void> {
    this.consumer.assign(tps);
    this.lastCommitted.clear();
    this.unpositioned = tps;
    await this.restorePositions(tps);
  }

  /** Seeks newly assigned partitions to the group's committed offsets, then tells the application. */
  private async restorePositions(tps: TopicPartition[]): Promise<void> {
    if (tps.length > 0) {
      for (const c of await this.member.committed(tps)) {
        if (c.offset === null) continue;
        this.consumer.seek(c, c.offset);
        this.lastCommitted.set(key(c), c.offset);
      }
    }
    this.unpositioned = null;
    this.nextAutoCommitAt = Date.now() + this.autoCommitIntervalMs;
    await this.user.onAssigned?.([...tps]);
  }
}

function pick(l: RebalanceListener): RebalanceListener {
  const out: RebalanceListener = {};
  if (l.onAssigned !== undefined) out.onAssigned = l.onAssigned;
  if (l.onRevoked !== undefined) out.onRevoked = l.onRevoked;
  if (l.onLost !== undefined) out.onLost = l.onLost;
  return out;
}
