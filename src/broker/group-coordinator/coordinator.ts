import { ErrorCode } from '../../protocol/error-codes.js';
import type { Clock } from '../../shared/clock.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { LogManager } from '../../storage/log-types.js';
import type { CoordinatorCore, GroupCoordinatorConfig } from './core.js';
import { Deadlines } from './deadlines.js';
import type { ClassicGroup, JoinResult, SyncResult } from './group.js';
import { splitPartitionKey } from './group.js';
import { GroupState } from './group-state.js';
import { groupLag, type GroupLag } from './lag.js';
import { loadGroups } from './load.js';
import {
  Membership,
  type HeartbeatRequest,
  type JoinRequest,
  type LeaveResult,
  type LeavingMember,
  type SyncRequest,
} from './membership.js';
import {
  Offsets,
  type CommitRequest,
  type FetchResult,
  type OffsetDeleteResult,
  type TopicPartitionErrors,
} from './offsets.js';
import { OffsetsLog, OffsetsLogError } from './offsets-log.js';
import { encodeGroupKey, encodeGroupValue } from './offsets-records.js';
import { joinError, syncError } from './rebalance.js';

export interface GroupCoordinatorOptions {
  readonly logs: LogManager;
  readonly config: GroupCoordinatorConfig;
  readonly clock: Clock;
  readonly logger?: Logger;
  /**
   * Arm real timers for session expiry, rebalance and offset-expiry deadlines (the broker does).
   * Without it nothing happens until {@link GroupCoordinator.tick} is called: tests drive time
   * with a ManualClock.
   */
  readonly realTimers?: boolean;
  /** Awaited before `__consumer_offsets` is replayed; tests hold it to watch COORDINATOR_LOAD_IN_PROGRESS. */
  readonly beforeLoad?: () => Promise<void>;
}

/** `loading` until the offsets topic is replayed; `failed` if that failed; `closed` after close(). */
export type CoordinatorStatus = 'loading' | 'active' | 'failed' | 'closed';

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  /** Kafka's state name; 'Dead' for a group that does not exist. */
  state: string;
  protocolType: string;
  /** The selected protocol, only while Stable (as Kafka). */
  protocolData: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    /** Metadata and assignment are filled only while Stable (as Kafka). */
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

export interface GroupListing {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

const EMPTY = Buffer.alloc(0);

/**
 * The group coordinator: every consumer group of this node, with the classic rebalance protocol
 * and committed offsets stored in `__consumer_offsets`. Handlers call it; the console and CLI
 * read lag from it. All methods answer Kafka error codes as data.
 *
 * @example
 * ```ts
 * const groups = new GroupCoordinator({ logs, config: groupCoordinatorConfig(brokerConfig), clock, realTimers: true });
 * await groups.start();
 * const lag = groups.lag('orders-app'); // committed vs log end offset per partition
 * ```
 */
export class GroupCoordinator {
  private statusValue: CoordinatorStatus = 'loading';
  private readonly core: CoordinatorCore;
  private readonly membership: Membership;
  private readonly offsets: Offsets;
  private readonly writes = new Set<Promise<unknown>>();
  private readonly log: Logger;

  constructor(private readonly opts: GroupCoordinatorOptions) {
    this.log = opts.logger ?? silentLogger;
    const deadlines = new Deadlines(opts.clock, {
      autoRun: opts.realTimers === true,
      onError: (err) => {
        this.log.error('group timer failed', {
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        });
      },
    });
    this.core = {
      groups: new Map(),
      deadlines,
      clock: opts.clock,
      config: opts.config,
      log: this.log,
      logs: opts.logs,
      offsetsLog: new OffsetsLog(opts.logs),
      persistGroup: (group) => {
        this.persistGroup(group);
      },
    };
    this.membership = new Membership(this.core);
    this.offsets = new Offsets(this.core, this.membership);
  }

  get status(): CoordinatorStatus {
    return this.statusValue;
  }

  /** Replays `__consumer_offsets`; until it is done, group APIs answer COORDINATOR_LOAD_IN_PROGRESS. */
  async start(): Promise<void> {
    try {
      await this.opts.beforeLoad?.();
      if (this.closedWhileLoading()) return;
      const started = Date.now();
      const loaded = await loadGroups(this.core.offsetsLog, this.opts.clock.now(), this.log);
      if (this.closedWhileLoading()) return;
      for (const [id, group] of loaded.groups) {
        this.core.groups.set(id, group);
        for (const m of group.members.values()) this.membership.scheduleSession(group, m);
      }
      this.statusValue = 'active';
      this.offsets.scheduleExpiry();
      this.log.info('groups loaded', {
        groups: loaded.groups.size,
        records: loaded.records,
        skipped: loaded.skipped,
        ms: Date.now() - started,
      });
    } catch (err) {
      if (this.statusValue === 'loading') this.statusValue = 'failed';
      this.log.error('loading __consumer_offsets failed; group APIs answer COORDINATOR_NOT_AVAILABLE', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private closedWhileLoading(): boolean {
    return this.statusValue === 'closed';
  }

  /** The error every group API answers while the coordinator cannot serve, or null. */
  unavailable(): number | null {
    switch (this.statusValue) {
      case 'active':
        return null;
      case 'loading':
        return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
      case 'failed':
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      case 'closed':
        return ErrorCode.NOT_COORDINATOR;
    }
  }

  join(req: JoinRequest): Promise<JoinResult> {
    const busy = this.unavailable();
    return busy !== null ? Promise.resolve(joinError(req.memberId, busy)) : this.membership.join(req);
  }

  sync(req: SyncRequest): Promise<SyncResult> {
    const busy = this.unavailable();
    return busy !== null ? Promise.resolve(syncError(busy)) : this.membership.sync(req);
  }

  heartbeat(req: HeartbeatRequest): number {
    return this.unavailable() ?? this.membership.heartbeat(req);
  }

  leave(groupId: string, members: readonly LeavingMember[]): LeaveResult {
    const busy = this.unavailable();
    return busy !== null ? { errorCode: busy, members: [] } : this.membership.leave(groupId, members);
  }

  commitOffsets(req: CommitRequest): Promise<TopicPartitionErrors[]> {
    const busy = this.unavailable();
    if (busy !== null) {
      return Promise.resolve(
        req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: busy })),
        })),
      );
    }
    return this.offsets.commit(req);
  }

  /** `topics` null: every partition the group has committed. */
  fetchOffsets(
    groupId: string,
    topics: readonly { readonly name: string; readonly partitions: readonly number[] }[] | null,
  ): FetchResult {
    const busy = this.unavailable();
    return busy !== null ? { errorCode: busy, topics: [] } : this.offsets.fetch(groupId, topics);
  }

  deleteOffsets(
    groupId: string,
    topics: readonly { readonly name: string; readonly partitions: readonly number[] }[],
  ): Promise<OffsetDeleteResult> {
    const busy = this.unavailable();
    return busy !== null
      ? Promise.resolve({ errorCode: busy, topics: [] })
      : this.offsets.delete(groupId, topics);
  }

  describeGroup(groupId: string): GroupDescription {
    const busy = this.unavailable();
    const group = this.core.groups.get(groupId);
    if (busy !== null || group === undefined) {
      return {
        errorCode: busy ?? ErrorCode.NONE,
        groupId,
        state: GroupState.Dead,
        protocolType: '',
        protocolData: '',
        members: [],
      };
    }
    const stable = group.is(GroupState.Stable);
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadata(group.protocolName) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  /**
   * Every group (including offsets-only ones), optionally only those in `states`: compared
   * case-insensitively as Kafka does, and ignoring underscores too (`PREPARING_REBALANCE`, as
   * some clients spell the states, means PreparingRebalance).
   */
  listGroups(states: readonly string[] = []): { errorCode: number; groups: GroupListing[] } {
    const busy = this.unavailable();
    if (busy !== null) return { errorCode: busy, groups: [] };
    const normal = (s: string) => s.replaceAll('_', '').toLowerCase();
    const wanted = new Set(states.map(normal));
    const groups: GroupListing[] = [];
    for (const g of this.core.groups.values()) {
      if (wanted.size > 0 && !wanted.has(normal(g.state))) continue;
      groups.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state });
    }
    return { errorCode: ErrorCode.NONE, groups };
  }

  /** DeleteGroups: an Empty group and its offsets go; a group with members is NON_EMPTY_GROUP. */
  async deleteGroups(groupIds: readonly string[]): Promise<{ groupId: string; errorCode: number }[]> {
    const busy = this.unavailable();
    if (busy !== null) return groupIds.map((groupId) => ({ groupId, errorCode: busy }));
    return Promise.all(
      groupIds.map(async (groupId) => ({ groupId, errorCode: await this.deleteGroup(groupId) })),
    );
  }

  /**
   * Committed offset, log end offset and lag per partition of a group, or undefined for a group
   * this coordinator does not know (the console and the CLI's `groups describe` read this).
   */
  lag(groupId: string): GroupLag | undefined {
    const group = this.core.groups.get(groupId);
    return group === undefined ? undefined : groupLag(group, this.opts.logs);
  }

  /**
   * Forgets every group's committed offsets of a deleted topic (tombstoned durably), as Kafka
   * does, so a topic re-created under the same name does not start from stale positions.
   */
  async topicDeleted(topic: string): Promise<void> {
    for (const group of this.core.groups.values()) {
      const keys = [...group.offsets.keys()].filter((k) => splitPartitionKey(k).topic === topic);
      await this.offsets.removeOffsets(group, keys);
    }
  }

  /** Runs one offset-expiry pass now (it also runs every 10 minutes). */
  expireOffsets(): Promise<{ offsets: number; groups: number }> {
    return this.offsets.expire();
  }

  /** Fires due session, rebalance and expiry deadlines (for tests driving a ManualClock). */
  tick(): number {
    return this.core.deadlines.runDue();
  }

  /**
   * Stops: pending JoinGroup/SyncGroup calls are answered NOT_COORDINATOR (clients look the
   * coordinator up again and rejoin), timers stop, background writes are awaited.
   */
  async close(): Promise<void> {
    if (this.statusValue === 'closed') return;
    this.statusValue = 'closed';
    this.core.deadlines.close();
    this.membership.abortWaiting(ErrorCode.NOT_COORDINATOR);
    await Promise.allSettled([...this.writes]);
  }

  /** The group, for tests and diagnostics. */
  group(groupId: string): ClassicGroup | undefined {
    return this.core.groups.get(groupId);
  }

  private async deleteGroup(groupId: string): Promise<number> {
    const group = this.core.groups.get(groupId);
    if (group === undefined || group.is(GroupState.Dead)) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is(GroupState.Empty) || group.pendingMembers.size > 0) return ErrorCode.NON_EMPTY_GROUP;
    group.fsm.transitionTo(GroupState.Dead, this.opts.clock.now());
    this.core.groups.delete(groupId);
    try {
      await this.offsets.removeOffsets(group, [...group.offsets.keys()]);
      await this.track(
        this.core.offsetsLog.append([{ key: encodeGroupKey(groupId), value: null }], {
          durable: true,
          now: this.opts.clock.now(),
        }),
      );
    } catch (err) {
      if (!(err instanceof OffsetsLogError)) throw err;
      this.log.warn('group deletion not stored', { group: groupId, error: err.message });
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    this.log.info('group deleted', { group: groupId });
    return ErrorCode.NONE;
  }

  private persistGroup(group: ClassicGroup): void {
    if (this.statusValue !== 'active') return;
    const stable = group.is(GroupState.Stable);
    const value = encodeGroupValue({
      protocolType: group.protocolType ?? '',
      generationId: group.generationId,
      protocolName: stable ? group.protocolName : null,
      leaderId: stable ? group.leaderId : null,
      stateTimestamp: group.fsm.stateTimestamp,
      members: stable
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            rebalanceTimeoutMs: m.rebalanceTimeoutMs,
            sessionTimeoutMs: m.sessionTimeoutMs,
            subscription: m.metadata(group.protocolName),
            assignment: m.assignment,
          }))
        : [],
    });
    const write = this.core.offsetsLog
      .append([{ key: encodeGroupKey(group.groupId), value }], { durable: false, now: this.opts.clock.now() })
      .catch((err: unknown) => {
        this.log.warn('group metadata not stored', {
          group: group.groupId,
          error: err instanceof Error ? err.message : String(err),
        });
      });
    void this.track(write);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.writes.add(p);
    void p.finally(() => this.writes.delete(p)).catch(() => undefined);
    return p;
  }
}
