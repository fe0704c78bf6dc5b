/**
 * The rebalance itself, shared by the group APIs and the timers: moving a group to
 * PreparingRebalance, completing the join (dropping members that did not rejoin, starting the
 * next generation, answering every waiting JoinGroup), completing the sync with the leader's
 * assignment, and removing members whose session ended.
 */
import { EMPTY_BYTES } from '../../protocol/api.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { deadlineKey, type CoordinatorCore } from './core.js';
import type { ClassicGroup, GroupMember, JoinResult, SyncResult } from './group.js';
import { GroupState } from './group-state.js';

/** KIP-394: a new member's JoinGroup is kept waiting at most this long (Kafka's constant). */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export function joinError(memberId: string, errorCode: number): JoinResult {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leaderId: '',
    memberId,
    skipAssignment: false,
    members: [],
  };
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
}

export class Rebalance {
  constructor(private readonly core: CoordinatorCore) {}

  /** Restarts a member's session timer (any sign of life: heartbeat, sync, commit). */
  scheduleSession(group: ClassicGroup, member: GroupMember): void {
    const memberId = member.memberId;
    this.core.deadlines.schedule(
      deadlineKey.session(group.groupId, memberId),
      this.core.clock.now() + member.sessionTimeoutMs,
      () => {
        this.onSessionExpired(group, memberId);
      },
    );
  }

  /** Ends every waiting JoinGroup and SyncGroup with `errorCode` (the coordinator is closing). */
  abortWaiting(errorCode: number): void {
    for (const group of this.core.groups.values()) {
      for (const m of group.members.values()) {
        m.awaitingJoin?.(joinError(m.memberId, errorCode));
        m.awaitingJoin = null;
        m.awaitingSync?.(syncError(errorCode));
        m.awaitingSync = null;
      }
    }
  }

  private onSessionExpired(group: ClassicGroup, memberId: string): void {
    if (this.core.groups.get(group.groupId) !== group) return;
    const member = group.members.get(memberId);
    if (member === undefined) return;
    const now = this.core.clock.now();
    // Members waiting on a JoinGroup or SyncGroup response cannot heartbeat; they are alive.
    const waiting =
      member.awaitingSync !== null ||
      (member.awaitingJoin !== null && (!member.isNew || now < member.joinedAt + NEW_MEMBER_JOIN_TIMEOUT_MS));
    if (waiting) {
      this.scheduleSession(group, member);
      return;
    }
    this.removeMemberAndUpdateGroup(group, member, 'session timed out');
  }

  expirePending(group: ClassicGroup, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    if (group.is(GroupState.PreparingRebalance)) this.tryCompleteJoin(group);
  }

  removeMemberAndUpdateGroup(group: ClassicGroup, member: GroupMember, reason: string): void {
    member.awaitingJoin?.(joinError(member.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    member.awaitingJoin = null;
    member.awaitingSync?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    member.awaitingSync = null;
    this.core.deadlines.cancel(deadlineKey.session(group.groupId, member.memberId));
    group.remove(member.memberId);
    this.core.log.info('member removed', { group: group.groupId, memberId: member.memberId, reason });
    switch (group.state) {
      case GroupState.Stable:
      case GroupState.CompletingRebalance:
        this.maybePrepareRebalance(group, `member ${member.memberId} ${reason}`);
        return;
      case GroupState.PreparingRebalance:
        this.tryCompleteJoin(group);
        return;
      case GroupState.Empty:
      case GroupState.Dead:
        return;
    }
  }

  maybePrepareRebalance(group: ClassicGroup, reason: string): void {
    if (
      group.is(GroupState.Stable) ||
      group.is(GroupState.CompletingRebalance) ||
      group.is(GroupState.Empty)
    ) {
      this.prepareRebalance(group, reason);
    }
  }

  prepareRebalance(group: ClassicGroup, reason: string): void {
    const { clock, config, deadlines } = this.core;
    if (group.is(GroupState.CompletingRebalance)) {
      // The assignment being computed is for members that are about to change.
      for (const m of group.members.values()) {
        m.assignment = EMPTY_BYTES;
        if (m.awaitingSync === null) continue;
        m.awaitingSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        m.awaitingSync = null;
        // It was alive while it waited: its session starts over from the answer.
        this.scheduleSession(group, m);
      }
    }
    const initial = group.is(GroupState.Empty) && config.initialRebalanceDelayMs > 0;
    group.fsm.transitionTo(GroupState.PreparingRebalance, clock.now());
    this.core.log.info('preparing rebalance', {
      group: group.groupId,
      generation: group.generationId,
      reason,
    });
    if (initial) {
      group.initialJoinDelay = true;
      group.newMemberAdded = false;
      const remaining = Math.max(group.rebalanceTimeoutMs() - config.initialRebalanceDelayMs, 0);
      this.scheduleInitialJoin(group, config.initialRebalanceDelayMs, remaining);
    } else {
      group.initialJoinDelay = false;
      deadlines.schedule(deadlineKey.join(group.groupId), clock.now() + group.rebalanceTimeoutMs(), () => {
        this.completeJoin(group);
      });
      this.tryCompleteJoin(group);
    }
  }

  /**
   * Kafka's InitialDelayedJoin: wait `delay`; if more members arrived meanwhile, wait again
   * (at most `group.initial.rebalance.delay.ms` each time) until the rebalance timeout is used up.
   */
  private scheduleInitialJoin(group: ClassicGroup, delay: number, remaining: number): void {
    this.core.deadlines.schedule(deadlineKey.join(group.groupId), this.core.clock.now() + delay, () => {
      if (group.newMemberAdded && remaining > 0) {
        group.newMemberAdded = false;
        const next = Math.min(this.core.config.initialRebalanceDelayMs, remaining);
        this.scheduleInitialJoin(group, next, Math.max(remaining - next, 0));
      } else {
        this.completeJoin(group);
      }
    });
  }

  tryCompleteJoin(group: ClassicGroup): void {
    if (group.is(GroupState.PreparingRebalance) && !group.initialJoinDelay && group.allMembersJoined()) {
      this.completeJoin(group);
    }
  }

  /** Ends PreparingRebalance: drops members that did not rejoin and starts the next generation. */
  private completeJoin(group: ClassicGroup): void {
    const { clock, deadlines } = this.core;
    deadlines.cancel(deadlineKey.join(group.groupId));
    group.initialJoinDelay = false;
    if (!group.is(GroupState.PreparingRebalance)) return;
    for (const m of [...group.members.values()]) {
      // Static members keep their place until their session expires: they are expected back.
      if (m.awaitingJoin === null && !m.isStatic) {
        this.core.deadlines.cancel(deadlineKey.session(group.groupId, m.memberId));
        m.awaitingSync?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
        m.awaitingSync = null;
        group.remove(m.memberId);
        this.core.log.info('member removed', {
          group: group.groupId,
          memberId: m.memberId,
          reason: 'did not rejoin within the rebalance timeout',
        });
      }
    }
    const joined = [...group.members.values()].filter((m) => m.awaitingJoin !== null);
    if (group.members.size > 0 && joined.length === 0) {
      // Only silent static members remain: wait for them to rejoin or for their sessions to end.
      deadlines.schedule(deadlineKey.join(group.groupId), clock.now() + group.rebalanceTimeoutMs(), () => {
        this.completeJoin(group);
      });
      return;
    }
    if (group.leaderId !== null && group.members.get(group.leaderId)?.awaitingJoin === null) {
      group.leaderId = joined[0]!.memberId;
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.fsm.transitionTo(GroupState.Empty, clock.now());
      this.core.log.info('group is empty', { group: group.groupId, generation: group.generationId });
      this.core.persistGroup(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    group.fsm.transitionTo(GroupState.CompletingRebalance, clock.now());
    this.core.log.info('rebalance joined', {
      group: group.groupId,
      generation: group.generationId,
      protocol: group.protocolName,
      members: group.members.size,
    });
    for (const m of joined) {
      const respond = m.awaitingJoin!;
      m.awaitingJoin = null;
      m.isNew = false;
      this.scheduleSession(group, m);
      respond(this.joinOk(group, m));
    }
  }

  /** The leader's SyncGroup: store every member's assignment and answer every waiting member. */
  completeSync(
    group: ClassicGroup,
    assignments: readonly { readonly memberId: string; readonly assignment: Buffer }[],
  ): void {
    const given = new Map<string, Buffer>();
    // Copies: the request frame would otherwise stay in memory as long as the assignment.
    for (const a of assignments) given.set(a.memberId, Buffer.from(a.assignment));
    for (const m of group.members.values()) m.assignment = given.get(m.memberId) ?? EMPTY_BYTES;
    group.fsm.transitionTo(GroupState.Stable, this.core.clock.now());
    this.core.log.info('group is stable', { group: group.groupId, generation: group.generationId });
    this.core.persistGroup(group);
    for (const m of group.members.values()) {
      const respond = m.awaitingSync;
      if (respond === null) continue;
      m.awaitingSync = null;
      this.scheduleSession(group, m);
      respond(this.syncOk(group, m.assignment));
    }
  }

  joinOk(group: ClassicGroup, member: GroupMember, skipAssignment = false): JoinResult {
    const isLeader = group.isLeader(member.memberId);
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? '',
      memberId: member.memberId,
      skipAssignment,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.metadata(group.protocolName),
          }))
        : [],
    };
  }

  syncOk(group: ClassicGroup, assignment: Buffer): SyncResult {
    return {
      errorCode: ErrorCode.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment,
    };
  }
}
