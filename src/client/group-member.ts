import { ErrorCode } from '../protocol/error-codes.js';
import type { JoinGroupResponse } from '../protocol/messages/join-group.js';
import { isRivuletError, RivuletError } from '../shared/errors.js';
import { defaultAssignors, type PartitionAssignor } from './assignors.js';
import type { Cluster } from './cluster.js';
import { BrokerConnection } from './connection.js';
import { decodeAssignment } from './consumer-protocol.js';
import type { TopicPartition } from './consumer-types.js';
import { COORDINATOR_MOVED, findCoordinator } from './coordinator.js';
import { isKafkaError, KafkaError } from './errors.js';
import { commitOffsets, fetchOffsets, type CommittedOffset, type OffsetToCommit } from './group-offsets.js';
import { MemberState, MemberStateMachine } from './group-member-state.js';
import {
  joinTimeoutMs,
  leaderAssignments,
  partitionCounts,
  sendHeartbeat,
  sendJoinGroup,
  sendLeaveGroup,
  sendSyncGroup,
  type MemberIdentity,
} from './group-requests.js';
import { backoffMs, sleep } from './retry.js';

/** How a member takes part in its group; Kafka's consumer defaults. */
export interface GroupMemberOptions {
  groupId: string;
  /** Static membership (KIP-345, `group.instance.id`): a restart within the session keeps the assignment. */
  groupInstanceId?: string | null;
  /** The coordinator drops a member it has not heard from for this long (default 45 000). */
  sessionTimeoutMs?: number;
  /**
   * How long the coordinator waits for every member to rejoin in a rebalance, and the longest a
   * member may go between polls before it leaves the group (Kafka's `max.poll.interval.ms`,
   * default 300 000).
   */
  rebalanceTimeoutMs?: number;
  /** Time between heartbeats (default 3000); below the session timeout, typically a third of it. */
  heartbeatIntervalMs?: number;
  /** Assignors offered, in preference order (default: range, roundrobin, as librdkafka). */
  assignors?: readonly PartitionAssignor[];
}

/**
 * What the application hears of rebalances. Callbacks run inside `poll()` (never concurrently
 * with it) and are awaited.
 */
export interface RebalanceListener {
  /**
   * The member gives these partitions up to rejoin (eager rebalancing revokes everything). They
   * are still its own: commits made here succeed. Also called on close.
   */
  onRevoked?: (partitions: TopicPartition[]) => void | Promise<void>;
  /** The partitions of the new generation, positioned at their committed offsets. */
  onAssigned?: (partitions: TopicPartition[]) => void | Promise<void>;
  /**
   * The member was no longer in the group (its session expired, it was fenced, it left after
   * not polling): the partitions may already be another member's and commits for them fail.
   * Defaults to {@link onRevoked}.
   */
  onLost?: (partitions: TopicPartition[]) => void | Promise<void>;
}

/** Where a member is in its group, for diagnostics and the stream engine's checkpoints. */
export interface GroupMetadata {
  groupId: string;
  memberId: string;
  generationId: number;
  groupInstanceId: string | null;
  /** The assignor the coordinator chose, once joined. */
  protocol: string | null;
  isLeader: boolean;
}

/**
 * One member of a consumer group over Kafka's classic protocol: FindCoordinator, JoinGroup
 * (with the MEMBER_ID_REQUIRED round of v4+), SyncGroup (the leader runs the assignor),
 * Heartbeat on a timer, LeaveGroup on close. Rebalances happen in {@link ensureActive}, which the
 * consumer calls at the start of each poll: the heartbeat only notices that the group is
 * rebalancing (REBALANCE_IN_PROGRESS) or that this member lost its generation
 * (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID), and the next poll revokes and rejoins. Its own
 * connection to the coordinator keeps heartbeats and commits from queueing behind a long-polling
 * Fetch. `GroupConsumer` is this plus a consumer; the member alone can drive another reader
 * (the stream engine's Kafka source).
 *
 * @example
 * ```ts
 * const cluster = new Cluster({ bootstrap: '127.0.0.1:9092' });
 * const member = new GroupMember(cluster, { groupId: 'orders-app' });
 * member.subscribe(['orders']);
 * await member.ensureActive({ onAssigned: (tps) => console.log('mine now', tps) });
 * await member.commit([{ topic: 'orders', partition: 0, offset: 42 }]);
 * await member.close();
 * ```
 */
export class GroupMember {
  readonly groupId: string;
  readonly groupInstanceId: string | null;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly assignors: readonly PartitionAssignor[];
  private readonly machine: MemberStateMachine;
  private memberId = '';
  private generationId = -1;
  private protocol: string | null = null;
  private leaderId = '';
  private topics: string[] = [];
  private assigned: TopicPartition[] = [];
  /** Non-null while a rejoin is due, saying why (sent as JoinGroup's reason). */
  private rejoinReason: string | null = 'the member starts';
  private generationLost = false;
  private fatal: Error | null = null;
  /** Set by {@link abortJoin}: a join in progress gives up, and no new one starts. */
  private abortRequested = false;
  private conn: BrokerConnection | null = null;
  private lookup: Promise<BrokerConnection> | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private lastPollAt = Date.now();
  private waiters: (() => void)[] = [];
  /** The leader's view of the partitions it assigned, to notice new partitions. */
  private leaderCounts: Map<string, number> | null = null;
  private leaderTopics: readonly string[] = [];
  private metadataCheckedAt = 0;

  constructor(
    private readonly cluster: Cluster,
    opts: GroupMemberOptions,
  ) {
    if (opts.groupId === '') throw invalid('groupId must not be empty');
    this.groupId = opts.groupId;
    this.groupInstanceId = opts.groupInstanceId ?? null;
    if (this.groupInstanceId === '') throw invalid('groupInstanceId must not be empty (or leave it out)');
    this.sessionTimeoutMs = positive(opts.sessionTimeoutMs ?? 45_000, 'sessionTimeoutMs');
    this.rebalanceTimeoutMs = positive(opts.rebalanceTimeoutMs ?? 300_000, 'rebalanceTimeoutMs');
    this.heartbeatIntervalMs = positive(opts.heartbeatIntervalMs ?? 3000, 'heartbeatIntervalMs');
    if (this.heartbeatIntervalMs >= this.sessionTimeoutMs) {
      throw invalid(
        `heartbeatIntervalMs (${this.heartbeatIntervalMs}) must be below sessionTimeoutMs (${this.sessionTimeoutMs})`,
      );
    }
    this.assignors = opts.assignors ?? defaultAssignors;
    const names = this.assignors.map((a) => a.name);
    if (names.length === 0 || new Set(names).size !== names.length || names.includes('')) {
      throw invalid(`assignors must be a non-empty list of distinct names, got [${names.join(', ')}]`);
    }
    this.machine = new MemberStateMachine(this.groupId);
  }

  /** The member's state (see group-member-state.ts). */
  get state(): MemberState {
    return this.machine.state;
  }

  /** The partitions of the current generation. */
  get assignment(): TopicPartition[] {
    return [...this.assigned];
  }

  get metadata(): GroupMetadata {
    return {
      groupId: this.groupId,
      memberId: this.memberId,
      generationId: this.generationId,
      groupInstanceId: this.groupInstanceId,
      protocol: this.protocol,
      isLeader: this.memberId !== '' && this.leaderId === this.memberId,
    };
  }

  /** True when the next {@link ensureActive} will (re)join. */
  get rejoinNeeded(): boolean {
    return this.rejoinReason !== null;
  }

  /** Sets the topics to consume; a change makes the member rejoin at the next poll. */
  subscribe(topics: readonly string[]): void {
    const next = [...new Set(topics)].sort();
    if (next.length === 0 || next.includes('')) throw invalid('subscribe needs at least one topic name');
    if (next.join('\0') === this.topics.join('\0')) return;
    this.topics = next;
    this.requestRejoin('the subscription changed');
  }

  get subscription(): readonly string[] {
    return this.topics;
  }

  /** Notes that the application polled (the poll-interval check of the heartbeat). */
  notePoll(): void {
    this.lastPollAt = Date.now();
  }

  /**
   * Joins or rejoins the group when needed: revokes the current partitions (`onRevoked`, or
   * `onLost` when the generation is gone), runs JoinGroup and SyncGroup until a generation
   * is reached, and hands over the new partitions (`onAssigned`). Resolves true when a
   * rebalance happened. Throws a fatal error (FENCED_INSTANCE_ID) or a failure that outlasted
   * the retry deadline; a later call tries again (except after fencing).
   */
  async ensureActive(listener: RebalanceListener): Promise<boolean> {
    this.checkUsable();
    if (this.abortRequested) throw this.closedError();
    if (this.topics.length === 0) throw invalid('subscribe() to at least one topic before polling');
    if (this.machine.is(MemberState.Stable) && this.rejoinReason === null) {
      await this.maybeCheckMetadata();
      if (!this.rejoinNeeded) return false;
    }
    const revoked = this.assigned;
    this.assigned = [];
    if (revoked.length > 0) {
      if (this.generationLost) await (listener.onLost ?? listener.onRevoked)?.(revoked);
      else await listener.onRevoked?.(revoked);
    }
    this.generationLost = false;
    this.assigned = await this.join();
    await listener.onAssigned?.([...this.assigned]);
    return true;
  }

  /**
   * Resolves once a rejoin is due, the member failed or closed, or after `ms`: what a consumer
   * with nothing to fetch waits on instead of spinning.
   */
  waitForRejoin(ms: number): Promise<void> {
    if (this.rejoinReason !== null || this.fatal !== null || this.machine.is(MemberState.Closed)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.push(done);
    });
  }

  /**
   * Commits offsets as a member of the current generation. REBALANCE_IN_PROGRESS,
   * ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID throw a {@link KafkaError} and make the next poll
   * rejoin; a moved coordinator and connection failures are retried until the retry deadline.
   */
  async commit(offsets: readonly OffsetToCommit[]): Promise<void> {
    this.checkUsable();
    if (offsets.length === 0) return;
    if (!this.machine.is(MemberState.Stable)) {
      throw new KafkaError(ErrorCode.REBALANCE_IN_PROGRESS, {
        api: 'OffsetCommit',
        resource: `group '${this.groupId}'`,
        brokerMessage: 'this member is not in a generation of the group; it rejoins at the next poll',
      });
    }
    const who = { ...this.identity(), generationId: this.generationId };
    await this.onCoordinator('OffsetCommit', async (conn) => {
      try {
        await commitOffsets(conn, who, offsets);
      } catch (err) {
        if (isKafkaError(err) && who.generationId === this.generationId)
          this.absorbMemberError(err.errorCode);
        throw err;
      }
    });
  }

  /** The group's committed offsets for `partitions` (null offset: none committed). */
  committed(partitions: readonly TopicPartition[]): Promise<CommittedOffset[]> {
    this.checkUsable();
    return this.onCoordinator('OffsetFetch', (conn) => fetchOffsets(conn, this.groupId, partitions));
  }

  /**
   * Aborts a JoinGroup or SyncGroup waiting on the coordinator (it can wait up to the rebalance
   * timeout), so that a closing application does not wait for the rest of the group.
   */
  abortJoin(): void {
    this.abortRequested = true;
    if (this.machine.is(MemberState.Joining)) this.resetCoordinator(true);
  }

  /**
   * Leaves the group: revokes the partitions through `listener` (its commits still succeed),
   * then sends LeaveGroup so that the others take over at once. Static members do not leave
   * (their partitions wait for them to come back within the session timeout), as in Kafka.
   */
  async close(listener: RebalanceListener = {}): Promise<void> {
    if (this.machine.is(MemberState.Closed)) return;
    this.abortRequested = true;
    this.stopHeartbeat();
    try {
      const revoked = this.assigned;
      this.assigned = [];
      if (revoked.length > 0 && this.machine.is(MemberState.Stable)) {
        if (this.generationLost) await (listener.onLost ?? listener.onRevoked)?.(revoked);
        else await listener.onRevoked?.(revoked);
      }
      if (this.memberId !== '' && this.groupInstanceId === null) await this.leave('the consumer is closing');
    } finally {
      this.machine.transitionTo(MemberState.Closed);
      this.wake();
      this.resetCoordinator(false);
    }
  }

  private identity(): MemberIdentity {
    return { groupId: this.groupId, memberId: this.memberId, groupInstanceId: this.groupInstanceId };
  }

  private checkUsable(): void {
    if (this.fatal !== null) throw this.fatal;
    if (this.machine.is(MemberState.Closed)) throw this.closedError();
  }

  private closedError(cause?: unknown): RivuletError {
    return new RivuletError(
      'RIV_ERR_CLIENT_CLOSED',
      `the member of group '${this.groupId}' was closed`,
      cause === undefined ? {} : { cause },
    );
  }

  private requestRejoin(reason: string): void {
    this.rejoinReason ??= reason;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The generation is gone: the partitions are lost and the member must join afresh. */
  private loseGeneration(reason: string, forgetMemberId: boolean): void {
    this.generationId = -1;
    if (forgetMemberId) this.memberId = '';
    this.generationLost = true;
    if (this.machine.is(MemberState.Stable)) this.machine.transitionTo(MemberState.Unjoined);
    this.stopHeartbeat();
    this.requestRejoin(reason);
  }

  /** What a member-level error code means for this member (commit and heartbeat answers). */
  private absorbMemberError(code: number): void {
    switch (code) {
      case ErrorCode.REBALANCE_IN_PROGRESS:
        this.requestRejoin('the group is rebalancing');
        break;
      case ErrorCode.ILLEGAL_GENERATION:
        this.loseGeneration('the generation is no longer current', false);
        break;
      case ErrorCode.UNKNOWN_MEMBER_ID:
        this.loseGeneration('the coordinator no longer knows this member', true);
        break;
      case ErrorCode.FENCED_INSTANCE_ID:
        this.fail(new KafkaError(code, { api: 'Heartbeat', resource: `group '${this.groupId}'` }));
        break;
      default:
        if (COORDINATOR_MOVED.has(code)) this.resetCoordinator(false);
    }
  }

  private fail(err: Error): void {
    this.fatal ??= err;
    this.stopHeartbeat();
    this.wake();
  }

  /** JoinGroup then SyncGroup until the member is in a generation; returns its partitions. */
  private async join(): Promise<TopicPartition[]> {
    this.stopHeartbeat();
    this.machine.transitionTo(MemberState.Joining);
    const failures = { count: 0, since: 0 };
    try {
      for (;;) {
        this.checkUsable();
        if (this.abortRequested) throw this.closedError();
        const reason = this.rejoinReason ?? 'rejoin';
        let join: JoinGroupResponse;
        let conn: BrokerConnection;
        try {
          conn = await this.coordinator();
          join = await sendJoinGroup(
            conn,
            {
              ...this.identity(),
              sessionTimeoutMs: this.sessionTimeoutMs,
              rebalanceTimeoutMs: this.rebalanceTimeoutMs,
              topics: this.topics,
              assignors: this.assignors,
              reason,
            },
            this.joinTimeout(),
          );
        } catch (err) {
          await this.retryAfter(err, failures);
          continue;
        }
        if (join.errorCode !== ErrorCode.NONE) {
          await this.onJoinError('JoinGroup', join.errorCode, failures, join.memberId);
          continue;
        }
        this.memberId = join.memberId;
        this.generationId = join.generationId;
        this.protocol = join.protocolName;
        this.leaderId = join.leader;
        const leads = join.leader === join.memberId;
        let assignments: { memberId: string; assignment: Buffer }[] = [];
        if (leads && !join.skipAssignment) {
          const computed = await leaderAssignments(
            this.cluster,
            this.assignors,
            join,
            this.cluster.options.logger,
          );
          assignments = computed.assignments;
          this.leaderCounts = computed.partitionCounts;
          this.leaderTopics = computed.topics;
          this.metadataCheckedAt = Date.now();
        } else if (!leads) {
          this.leaderCounts = null;
        }
        let sync;
        try {
          sync = await sendSyncGroup(
            conn,
            { ...this.identity(), generationId: this.generationId, protocolName: this.protocol, assignments },
            this.joinTimeout(),
          );
        } catch (err) {
          await this.retryAfter(err, failures);
          continue;
        }
        if (sync.errorCode !== ErrorCode.NONE) {
          await this.onJoinError('SyncGroup', sync.errorCode, failures, this.memberId);
          continue;
        }
        const partitions = decodeAssignment(sync.assignment).partitions;
        this.machine.transitionTo(MemberState.Stable);
        this.rejoinReason = null;
        this.lastPollAt = Date.now(); // a join that took long is not a poll timeout
        this.cluster.options.logger.debug('joined group', {
          group: this.groupId,
          memberId: this.memberId,
          generation: this.generationId,
          leader: leads,
          partitions: partitions.length,
        });
        this.scheduleHeartbeat(this.heartbeatIntervalMs);
        return partitions;
      }
    } catch (err) {
      if (this.machine.is(MemberState.Joining)) this.machine.transitionTo(MemberState.Unjoined);
      this.rejoinReason ??= 'the last join failed';
      throw err;
    }
  }

  private joinTimeout(): number {
    return joinTimeoutMs(this.rebalanceTimeoutMs, this.cluster.options.requestTimeoutMs);
  }

  /** Kafka's handling of a JoinGroup/SyncGroup error: rejoin (maybe afresh), find the coordinator, or fail. */
  private async onJoinError(
    api: string,
    code: number,
    failures: { count: number; since: number },
    memberId: string,
  ): Promise<void> {
    switch (code) {
      case ErrorCode.MEMBER_ID_REQUIRED:
        this.memberId = memberId; // KIP-394: rejoin at once with the id the coordinator gave
        return;
      case ErrorCode.UNKNOWN_MEMBER_ID:
        this.memberId = '';
        this.generationId = -1;
        return;
      case ErrorCode.ILLEGAL_GENERATION:
        this.generationId = -1;
        return;
      case ErrorCode.REBALANCE_IN_PROGRESS:
        return; // another rebalance began: join it
      case ErrorCode.FENCED_INSTANCE_ID: {
        const err = new KafkaError(code, { api, resource: `group '${this.groupId}'` });
        this.fail(err);
        throw err;
      }
      default:
        if (COORDINATOR_MOVED.has(code)) this.resetCoordinator(false);
        await this.retryAfter(new KafkaError(code, { api, resource: `group '${this.groupId}'` }), failures);
    }
  }

  /**
   * Backs off after a retriable failure (a broken connection, a moved or loading coordinator),
   * or throws: a non-retriable error at once, a retriable one once failures have lasted past the
   * client's retry deadline.
   */
  private async retryAfter(err: unknown, failures: { count: number; since: number }): Promise<void> {
    if (this.abortRequested) throw this.closedError(err);
    // A connection a stale heartbeat closed under us is as good as a broken one.
    const retriable = isRivuletError(err) && (err.retriable || err.code === 'RIV_ERR_CLIENT_CLOSED');
    if (!retriable) throw err;
    if (isRivuletError(err) && err.code !== 'RIV_ERR_KAFKA') this.resetCoordinator(false);
    if (failures.count++ === 0) failures.since = Date.now();
    if (Date.now() - failures.since > this.cluster.retry.timeoutMs) throw err;
    await sleep(backoffMs(this.cluster.retry, failures.count));
  }

  /** The connection to the group's coordinator, looked up when unknown. */
  private coordinator(): Promise<BrokerConnection> {
    if (this.conn !== null) return Promise.resolve(this.conn);
    this.lookup ??= findCoordinator(this.cluster, this.groupId)
      .then((c) => {
        const o = this.cluster.options;
        const conn = new BrokerConnection({
          host: c.host,
          port: c.port,
          clientId: o.clientId,
          connectTimeoutMs: o.connectTimeoutMs,
          requestTimeoutMs: o.requestTimeoutMs,
          maxVersions: o.maxVersions,
          logger: o.logger,
        });
        this.conn = conn;
        return conn;
      })
      .finally(() => {
        this.lookup = null;
      });
    return this.lookup;
  }

  /** Forgets the coordinator: the next request looks it up again. `abort` fails what is in flight. */
  private resetCoordinator(abort: boolean): void {
    const conn = this.conn;
    this.conn = null;
    if (conn === null) return;
    if (abort) conn.destroy();
    else void conn.close();
  }

  /** Runs `send` against the coordinator, retrying a moved coordinator and connection failures. */
  private async onCoordinator<T>(api: string, send: (conn: BrokerConnection) => Promise<T>): Promise<T> {
    const failures = { count: 0, since: 0 };
    for (;;) {
      try {
        return await send(await this.coordinator());
      } catch (err) {
        if (isKafkaError(err) && COORDINATOR_MOVED.has(err.errorCode)) this.resetCoordinator(false);
        const retriable =
          isRivuletError(err) &&
          (err.retriable || (err.code === 'RIV_ERR_CLIENT_CLOSED' && !this.abortRequested)) &&
          !(isKafkaError(err) && err.errorCode === ErrorCode.REBALANCE_IN_PROGRESS);
        if (!retriable) throw err;
        if (!isKafkaError(err)) this.resetCoordinator(false);
        if (failures.count++ === 0) failures.since = Date.now();
        if (Date.now() - failures.since > this.cluster.retry.timeoutMs) throw err;
        this.cluster.options.logger.debug(`${api} failed, retrying`, {
          group: this.groupId,
          error: String(err),
        });
        await sleep(backoffMs(this.cluster.retry, failures.count));
      }
    }
  }

  private scheduleHeartbeat(delayMs: number): void {
    this.stopHeartbeat();
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = null;
      void this.heartbeat();
    }, delayMs);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  /** One heartbeat; schedules the next while the member is Stable. Never rejects. */
  private async heartbeat(): Promise<void> {
    if (!this.machine.is(MemberState.Stable) || this.abortRequested) return;
    if (Date.now() - this.lastPollAt > this.rebalanceTimeoutMs) {
      await this.leaveAfterPollTimeout();
      return;
    }
    const generationId = this.generationId;
    const memberId = this.memberId;
    const stale = (): boolean =>
      !this.machine.is(MemberState.Stable) ||
      this.generationId !== generationId ||
      this.memberId !== memberId;
    let code: number;
    let conn: BrokerConnection | null = null;
    try {
      conn = await this.coordinator();
      code = await sendHeartbeat(
        conn,
        this.identity(),
        generationId,
        Math.min(this.cluster.options.requestTimeoutMs, this.sessionTimeoutMs),
      );
    } catch (err) {
      if (stale()) return;
      this.cluster.options.logger.debug('heartbeat failed', { group: this.groupId, error: String(err) });
      if (conn !== null && conn === this.conn) this.resetCoordinator(false);
      this.scheduleHeartbeat(backoffMs(this.cluster.retry, 1));
      return;
    }
    if (stale()) return;
    switch (code) {
      case ErrorCode.NONE:
      case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
        break;
      case ErrorCode.REBALANCE_IN_PROGRESS:
      case ErrorCode.ILLEGAL_GENERATION:
      case ErrorCode.UNKNOWN_MEMBER_ID:
      case ErrorCode.FENCED_INSTANCE_ID:
      case ErrorCode.NOT_COORDINATOR:
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
        this.cluster.options.logger.debug('heartbeat answered', { group: this.groupId, error: code });
        this.absorbMemberError(code);
        break;
      default:
        this.fail(new KafkaError(code, { api: 'Heartbeat', resource: `group '${this.groupId}'` }));
    }
    if (this.machine.is(MemberState.Stable) && this.fatal === null)
      this.scheduleHeartbeat(this.heartbeatIntervalMs);
  }

  /** Kafka's poll timeout: a member that stopped polling leaves, so that its partitions move on. */
  private async leaveAfterPollTimeout(): Promise<void> {
    this.cluster.options.logger.warn(
      'no poll() within rebalanceTimeoutMs: leaving the group so that its partitions go to other members',
      { group: this.groupId, rebalanceTimeoutMs: this.rebalanceTimeoutMs },
    );
    if (this.groupInstanceId === null) await this.leave('consumer poll timeout has expired');
    this.loseGeneration('the consumer did not poll within rebalanceTimeoutMs', this.groupInstanceId === null);
  }

  /** LeaveGroup, best effort: failing to leave only delays the others until our session expires. */
  private async leave(reason: string): Promise<void> {
    const log = this.cluster.options.logger;
    const attempt = (async () => {
      const code = await sendLeaveGroup(await this.coordinator(), this.identity(), reason);
      log.debug('left group', { group: this.groupId, memberId: this.memberId, error: code });
    })();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.min(this.cluster.options.requestTimeoutMs, LEAVE_TIMEOUT_MS));
    });
    try {
      await Promise.race([attempt, limit]);
    } catch (err) {
      log.debug('LeaveGroup failed', { group: this.groupId, error: String(err) });
    } finally {
      clearTimeout(timer);
      attempt.catch(() => undefined); // a LeaveGroup that outlived the limit may still fail
    }
  }

  /**
   * The leader rebalances when a subscribed topic's partition count changed since it assigned
   * (new partitions would otherwise go unread), checked every `metadataMaxAgeMs`.
   */
  private async maybeCheckMetadata(): Promise<void> {
    const counts = this.leaderCounts;
    if (this.leaderId !== this.memberId || counts === null) return;
    if (Date.now() - this.metadataCheckedAt < this.cluster.options.metadataMaxAgeMs) return;
    this.metadataCheckedAt = Date.now();
    let now: Map<string, number>;
    try {
      now = await partitionCounts(this.cluster, this.leaderTopics);
    } catch {
      return; // checked again after the next interval
    }
    for (const topic of this.leaderTopics) {
      if ((counts.get(topic) ?? 0) !== (now.get(topic) ?? 0)) {
        this.requestRejoin(`the partition count of '${topic}' changed`);
        return;
      }
    }
  }
}

/** How long close() waits for LeaveGroup: leaving is a courtesy that speeds up the others' rebalance. */
const LEAVE_TIMEOUT_MS = 5000;

function invalid(message: string): RivuletError {
  return new RivuletError('RIV_ERR_INVALID_ARGUMENT', `consumer group: ${message}`);
}

function positive(v: number, name: string): number {
  if (!Number.isInteger(v) || v <= 0) throw invalid(`${name} must be a positive integer, got ${v}`);
  return v;
}
