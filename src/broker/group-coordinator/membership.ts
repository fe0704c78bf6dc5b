/**
 * The classic rebalance protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup), following
 * Kafka's GroupCoordinator rule by rule: a join moves the group to PreparingRebalance; the
 * rebalance completes when every known member has rejoined (or the largest rebalance timeout
 * passes, and the members that did not rejoin are removed); the next generation is handed out
 * with the member list to the leader only; the leader's SyncGroup makes the group Stable and
 * gives every member its assignment. Sessions expire on the injectable clock. This file decides
 * what each request means; rebalance.ts moves the group.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../protocol/error-codes.js';
import { deadlineKey, type CoordinatorCore } from './core.js';
import { ClassicGroup, GroupMember, type JoinResult, type MemberProtocol, type SyncResult } from './group.js';
import { GroupState } from './group-state.js';
import { joinError, Rebalance, syncError } from './rebalance.js';

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

export class Membership {
  readonly rebalance: Rebalance;

  constructor(private readonly core: CoordinatorCore) {
    this.rebalance = new Rebalance(core);
  }

  /** Restarts a member's session timer (any sign of life: heartbeat, sync, commit). */
  scheduleSession(group: ClassicGroup, member: GroupMember): void {
    this.rebalance.scheduleSession(group, member);
  }

  /** Ends every waiting JoinGroup and SyncGroup with `errorCode` (the coordinator is closing). */
  abortWaiting(errorCode: number): void {
    this.rebalance.abortWaiting(errorCode);
  }

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
        this.rebalance.scheduleSession(group, member);
        return Promise.resolve(this.rebalance.syncOk(group, member.assignment));
      case GroupState.CompletingRebalance:
        return new Promise<SyncResult>((respond) => {
          member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          member.awaitingSync = respond;
          this.rebalance.scheduleSession(group, member);
          if (group.isLeader(member.memberId)) this.rebalance.completeSync(group, req.assignments);
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
        this.rebalance.scheduleSession(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case GroupState.CompletingRebalance:
      case GroupState.Stable:
        this.rebalance.scheduleSession(group, member);
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
          this.rebalance.expirePending(group, memberId);
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
        if (member.matches(req.protocols)) respond(this.rebalance.joinOk(group, member));
        else this.updateMemberAndRebalance(group, member, req, respond);
        return;
      case GroupState.Stable:
        // A follower with nothing new gets the current generation; the leader or a member with
        // new metadata (a changed subscription, a cooperative member's revoked partitions)
        // starts a rebalance.
        if (group.isLeader(member.memberId) || !member.matches(req.protocols)) {
          this.updateMemberAndRebalance(group, member, req, respond);
        } else {
          this.rebalance.scheduleSession(group, member);
          respond(this.rebalance.joinOk(group, member));
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
    this.rebalance.scheduleSession(group, member);
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
          respond(this.rebalance.joinOk(group, member, group.isLeader(newMemberId)));
        } else {
          member.awaitingJoin = respond;
          this.rebalance.prepareRebalance(group, `static member ${req.groupInstanceId} changed protocols`);
        }
        return;
      case GroupState.CompletingRebalance:
        // The leader may already be assigning to the old member id: start over.
        member.awaitingJoin = respond;
        this.rebalance.prepareRebalance(
          group,
          `static member ${req.groupInstanceId} rejoined during a rebalance`,
        );
        return;
      case GroupState.PreparingRebalance:
        member.awaitingJoin = respond;
        this.rebalance.tryCompleteJoin(group);
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
    this.rebalance.scheduleSession(group, member);
    this.rebalance.maybePrepareRebalance(group, `member ${memberId} joined`);
    this.rebalance.tryCompleteJoin(group);
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
    this.rebalance.maybePrepareRebalance(group, `member ${member.memberId} rejoined`);
    this.rebalance.tryCompleteJoin(group);
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
      this.rebalance.expirePending(group, memberId);
      return ErrorCode.NONE;
    }
    const member = group.members.get(memberId);
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.rebalance.removeMemberAndUpdateGroup(group, member, 'left the group');
    return ErrorCode.NONE;
  }
}

function updateMember(member: GroupMember, req: JoinRequest): void {
  member.protocols = req.protocols;
  member.sessionTimeoutMs = req.sessionTimeoutMs;
  member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  member.clientId = req.clientId;
  member.clientHost = req.clientHost;
}
