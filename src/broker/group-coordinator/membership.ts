/**
 * The classic rebalance protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup), following
 * Kafka's GroupCoordinator rule by rule: a join moves the group to PreparingRebalance; the
 * rebalance completes when every known member has rejoined (or the largest rebalance timeout
 * passes, and the members that did not rejoin are removed); the next generation is handed out
 * with the member list to the leader only; the leader's SyncGroup makes the group Stable and
 * gives every member its assignment. Sessions expire on the injectable clock.
 */
import { randomUUID } from 'node:crypto';
import { EMPTY_BYTES } from '../../protocol/api.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { deadlineKey, type CoordinatorCore } from './core.js';
import { ClassicGroup, GroupMember, type JoinResult, type MemberProtocol, type SyncResult } from './group.js';
import { GroupState } from './group-state.js';

/** KIP-394: a new member's JoinGroup is kept waiting at most this long (Kafka's constant). */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export interface JoinRequest {
  readonly groupId: string;
  /** '' for a member joining for the first time. */
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string;
  readonly protocols: readonly MemberProtocol[];
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly clientId: string;
  readonly clientHost: string;
  /** JoinGroup v4+: a new dynamic member first gets MEMBER_ID_REQUIRED and an id to rejoin with. */
  readonly requireKnownMemberId: boolean;
}

export interface SyncRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** v5+: checked against the group's (INCONSISTENT_GROUP_PROTOCOL); null when not sent. */
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignments: readonly { readonly memberId: string; readonly assignment: Buffer }[];
}

export interface HeartbeatRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeavingMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeaveResult {
  readonly errorCode: number;
  readonly members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

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

export class Membership {
  constructor(private readonly core: CoordinatorCore) {}

  join(req: JoinRequest): Promise<JoinResult> {
    const { config, groups } = this.core;
    if (req.groupId === '') return Promise.resolve(joinError(req.memberId, ErrorCode.INVALID_GROUP_ID));
    if (
      req.sessionTimeoutMs < config.minSessionTimeoutMs ||
      req.sessionTimeoutMs > config.maxSessionTimeoutMs
    ) {
      return Promise.resolve(joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    let group = groups.get(req.groupId);
    const created = group === undefined;
    if (group === undefined) {
      // Only a member without an id may create a group; a known id means the group was lost.
      if (req.memberId !== '') return Promise.resolve(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = new ClassicGroup(req.groupId, this.core.clock.now());
      groups.set(req.groupId, group);
    }
    const g = group;
    return new Promise<JoinResult>((respond) => {
      if (req.memberId === '') this.joinNewMember(g, req, respond);
      else this.joinKnownMember(g, req, respond);
      if (created && g.isForgettable()) groups.delete(g.groupId);
    });
  }

  sync(req: SyncRequest): Promise<SyncResult> {
    if (req.groupId === '') return Promise.resolve(syncError(ErrorCode.INVALID_GROUP_ID));
    const group = this.core.groups.get(req.groupId);
    if (group === undefined) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    const invalid = this.validateMember(group, req.memberId, req.groupInstanceId, req.generationId);
    if (invalid !== ErrorCode.NONE) return Promise.resolve(syncError(invalid));
    if (
      (req.protocolType !== null && req.protocolType !== group.protocolType) ||
      (req.protocolName !== null && req.protocolName !== group.protocolName)
    ) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case GroupState.Empty:
      case GroupState.Dead:
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      case GroupState.PreparingRebalance:
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case GroupState.Stable:
        this.scheduleSession(group, member);
        return Promise.resolve(this.syncOk(group, member.assignment));
      case GroupState.CompletingRebalance:
        return new Promise<SyncResult>((respond) => {
          member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          member.awaitingSync = respond;
          this.scheduleSession(group, member);
          if (group.isLeader(member.memberId)) this.completeSync(group, req.assignments);
        });
    }
  }

  heartbeat(req: HeartbeatRequest): number {
    if (req.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.core.groups.get(req.groupId);
    if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    const invalid = this.validateMember(group, req.memberId, req.groupInstanceId, req.generationId);
    if (invalid !== ErrorCode.NONE) return invalid;
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case GroupState.Empty:
      case GroupState.Dead:
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case GroupState.PreparingRebalance:
        // The member learns of the rebalance here and rejoins; its session stays alive meanwhile.
        this.scheduleSession(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case GroupState.CompletingRebalance:
      case GroupState.Stable:
        this.scheduleSession(group, member);
        return ErrorCode.NONE;
    }
  }

  leave(groupId: string, leaving: readonly LeavingMember[]): LeaveResult {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.core.groups.get(groupId);
    const answer = (m: LeavingMember, errorCode: number) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      errorCode,
    });
    if (group === undefined) {
      return {
        errorCode: ErrorCode.NONE,
        members: leaving.map((m) => answer(m, ErrorCode.UNKNOWN_MEMBER_ID)),
      };
    }
    if (group.is(GroupState.Dead)) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const members = leaving.map((m) => answer(m, this.leaveOne(group, m)));
    return { errorCode: ErrorCode.NONE, members };
  }

  /** Checks shared by SyncGroup, Heartbeat and OffsetCommit: NONE or the error to answer. */
  validateMember(
    group: ClassicGroup,
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
  ): number {
    if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.isStaticMemberFenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    if (!group.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

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

  private joinNewMember(group: ClassicGroup, req: JoinRequest, respond: (r: JoinResult) => void): void {
    if (group.is(GroupState.Dead)) {
      respond(joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE));
      return;
    }
    if (!group.supportsProtocols(req.protocolType, req.protocols)) {
      respond(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      return;
    }
    const memberId = `${req.clientId}-${randomUUID()}`;
    if (req.groupInstanceId !== null) {
      this.joinStaticMember(group, req, memberId, respond);
    } else if (req.requireKnownMemberId) {
      group.pendingMembers.add(memberId);
      // A member id nobody comes back with is forgotten after a session timeout.
      this.core.deadlines.schedule(
        deadlineKey.pending(group.groupId, memberId),
        this.core.clock.now() + req.sessionTimeoutMs,
        () => {
          this.expirePending(group, memberId);
        },
      );
      respond(joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED));
    } else {
      this.addMemberAndRebalance(group, req, memberId, respond);
    }
  }

  private joinKnownMember(group: ClassicGroup, req: JoinRequest, respond: (r: JoinResult) => void): void {
    if (group.is(GroupState.Dead)) {
      respond(joinError(req.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
      return;
    }
    if (!group.supportsProtocols(req.protocolType, req.protocols, req.memberId)) {
      respond(joinError(req.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      return;
    }
    if (group.pendingMembers.has(req.memberId)) {
      this.core.deadlines.cancel(deadlineKey.pending(group.groupId, req.memberId));
      this.addMemberAndRebalance(group, req, req.memberId, respond);
      return;
    }
    if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId)) {
      respond(joinError(req.memberId, ErrorCode.FENCED_INSTANCE_ID));
      return;
    }
    const member = group.members.get(req.memberId);
    if (member === undefined) {
      respond(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      return;
    }
    switch (group.state) {
      case GroupState.PreparingRebalance:
        this.updateMemberAndRebalance(group, member, req, respond);
        return;
      case GroupState.CompletingRebalance:
        // Same protocols: the member lost its JoinGroup response; give it again.
        if (member.matches(req.protocols)) respond(this.joinOk(group, member));
        else this.updateMemberAndRebalance(group, member, req, respond);
        return;
      case GroupState.Stable:
        // A follower with nothing new gets the current generation; the leader or a member with
        // new metadata (a changed subscription, a cooperative member's revoked partitions)
        // starts a rebalance.
        if (group.isLeader(member.memberId) || !member.matches(req.protocols)) {
          this.updateMemberAndRebalance(group, member, req, respond);
        } else {
          this.scheduleSession(group, member);
          respond(this.joinOk(group, member));
        }
        return;
      case GroupState.Empty:
      case GroupState.Dead:
        respond(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
        return;
    }
  }

  /**
   * KIP-345: a static member's instance id survives restarts. A join with a known instance id
   * takes over the old member's place under a new member id; the old id is fenced. A Stable
   * group is not rebalanced unless the selected protocol would change.
   */
  private joinStaticMember(
    group: ClassicGroup,
    req: JoinRequest,
    newMemberId: string,
    respond: (r: JoinResult) => void,
  ): void {
    const oldMemberId = group.staticMembers.get(req.groupInstanceId!);
    if (oldMemberId === undefined) {
      this.addMemberAndRebalance(group, req, newMemberId, respond);
      return;
    }
    const old = group.members.get(oldMemberId)!;
    old.awaitingJoin?.(joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    old.awaitingJoin = null;
    old.awaitingSync?.(syncError(ErrorCode.FENCED_INSTANCE_ID));
    old.awaitingSync = null;
    this.core.deadlines.cancel(deadlineKey.session(group.groupId, oldMemberId));
    const member = group.replaceStaticMember(oldMemberId, newMemberId);
    updateMember(member, req);
    this.scheduleSession(group, member);
    this.core.log.info('static member rejoined', {
      group: group.groupId,
      instanceId: req.groupInstanceId,
      oldMemberId,
      memberId: newMemberId,
    });
    switch (group.state) {
      case GroupState.Stable:
        if (group.selectProtocol() === group.protocolName) {
          this.core.persistGroup(group);
          respond(this.joinOk(group, member, group.isLeader(newMemberId)));
        } else {
          member.awaitingJoin = respond;
          this.prepareRebalance(group, `static member ${req.groupInstanceId} changed protocols`);
        }
        return;
      case GroupState.CompletingRebalance:
        // The leader may already be assigning to the old member id: start over.
        member.awaitingJoin = respond;
        this.prepareRebalance(group, `static member ${req.groupInstanceId} rejoined during a rebalance`);
        return;
      case GroupState.PreparingRebalance:
        member.awaitingJoin = respond;
        this.tryCompleteJoin(group);
        return;
      case GroupState.Empty:
      case GroupState.Dead:
        throw new Error(`group '${group.groupId}' is ${group.state} but has static member ${oldMemberId}`);
    }
  }

  private addMemberAndRebalance(
    group: ClassicGroup,
    req: JoinRequest,
    memberId: string,
    respond: (r: JoinResult) => void,
  ): void {
    const member = new GroupMember(
      memberId,
      req.groupInstanceId,
      req.clientId,
      req.clientHost,
      req.sessionTimeoutMs,
      req.rebalanceTimeoutMs,
      req.protocolType,
      req.protocols,
    );
    member.isNew = true;
    member.joinedAt = this.core.clock.now();
    member.awaitingJoin = respond;
    // Another member during the initial delay of a new group: wait a little longer for more.
    if (group.is(GroupState.PreparingRebalance) && group.generationId === 0) group.newMemberAdded = true;
    group.add(member);
    this.scheduleSession(group, member);
    this.maybePrepareRebalance(group, `member ${memberId} joined`);
    this.tryCompleteJoin(group);
  }

  private updateMemberAndRebalance(
    group: ClassicGroup,
    member: GroupMember,
    req: JoinRequest,
    respond: (r: JoinResult) => void,
  ): void {
    // A JoinGroup this one supersedes (a client retrying after a timeout) is answered, not dropped.
    member.awaitingJoin?.(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    updateMember(member, req);
    member.awaitingJoin = respond;
    this.maybePrepareRebalance(group, `member ${member.memberId} rejoined`);
    this.tryCompleteJoin(group);
  }

  private leaveOne(group: ClassicGroup, m: LeavingMember): number {
    let memberId = m.memberId;
    if (m.groupInstanceId !== null) {
      const holder = group.staticMembers.get(m.groupInstanceId);
      if (holder === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (m.memberId !== '' && m.memberId !== holder) return ErrorCode.FENCED_INSTANCE_ID;
      memberId = holder;
    } else if (group.pendingMembers.has(memberId)) {
      this.core.deadlines.cancel(deadlineKey.pending(group.groupId, memberId));
      this.expirePending(group, memberId);
      return ErrorCode.NONE;
    }
    const member = group.members.get(memberId);
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMemberAndUpdateGroup(group, member, 'left the group');
    return ErrorCode.NONE;
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

  private expirePending(group: ClassicGroup, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    if (group.is(GroupState.PreparingRebalance)) this.tryCompleteJoin(group);
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: GroupMember, reason: string): void {
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

  private maybePrepareRebalance(group: ClassicGroup, reason: string): void {
    if (
      group.is(GroupState.Stable) ||
      group.is(GroupState.CompletingRebalance) ||
      group.is(GroupState.Empty)
    ) {
      this.prepareRebalance(group, reason);
    }
  }

  private prepareRebalance(group: ClassicGroup, reason: string): void {
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

  private tryCompleteJoin(group: ClassicGroup): void {
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
  private completeSync(group: ClassicGroup, assignments: SyncRequest['assignments']): void {
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

  private joinOk(group: ClassicGroup, member: GroupMember, skipAssignment = false): JoinResult {
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

  private syncOk(group: ClassicGroup, assignment: Buffer): SyncResult {
    return {
      errorCode: ErrorCode.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment,
    };
  }
}

function updateMember(member: GroupMember, req: JoinRequest): void {
  member.protocols = req.protocols;
  member.sessionTimeoutMs = req.sessionTimeoutMs;
  member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  member.clientId = req.clientId;
  member.clientHost = req.clientHost;
}
