/**
 * One classic group: its members (protocols and metadata kept as opaque bytes), generation,
 * leader, selected protocol and committed offsets. The rules that move it between states live
 * in rebalance.ts; this file holds the data and the questions asked of it.
 */
import { EMPTY_BYTES } from '../../protocol/api.js';
import { Reader } from '../../protocol/primitives/reader.js';
import { decodeConsumerProtocolSubscription } from '../../protocol/messages/data/consumer-protocol-subscription.js';
import { GroupState, GroupStateMachine } from './group-state.js';
import type { OffsetCommitValue } from './offsets-records.js';

export interface MemberProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

/** What a JoinGroup response carries; `members` is non-empty for the leader only. */
export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  memberId: string;
  skipAssignment: boolean;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export class GroupMember {
  protocols: readonly MemberProtocol[];
  assignment: Buffer = EMPTY_BYTES;
  /** Set while the member's JoinGroup waits for the rebalance to complete. */
  awaitingJoin: ((r: JoinResult) => void) | null = null;
  /** Set while the member's SyncGroup waits for the leader's assignment. */
  awaitingSync: ((r: SyncResult) => void) | null = null;
  /** Joined, but no JoinGroup of it has completed yet (Kafka's KIP-394 "new member"). */
  isNew = false;
  /** When it joined as a new member: a new member's join may wait at most NEW_MEMBER_JOIN_TIMEOUT_MS. */
  joinedAt = 0;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    readonly protocolType: string,
    protocols: readonly MemberProtocol[],
  ) {
    this.protocols = protocols;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  /** This member's metadata for `protocol` (empty if it does not support it). */
  metadata(protocol: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY_BYTES;
  }

  supports(protocol: string): boolean {
    return this.protocols.some((p) => p.name === protocol);
  }

  /** Same protocols, in the same order, with the same metadata bytes. */
  matches(protocols: readonly MemberProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every(
        (p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata),
      )
    );
  }
}

/** A committed offset in the cache: the stored value and where its record sits in the log. */
export interface CommittedOffset extends OffsetCommitValue {
  /** Offset of its record in `__consumer_offsets` (a later record for the same key wins). */
  readonly logOffset: number;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function splitPartitionKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf('\u0000');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

export class ClassicGroup {
  readonly fsm: GroupStateMachine;
  /** The protocol type all members share ('consumer', 'connect' …); null for an offsets-only group. */
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  readonly members = new Map<string, GroupMember>();
  /** Member ids handed out with MEMBER_ID_REQUIRED (v4+) whose second JoinGroup has not come. */
  readonly pendingMembers = new Set<string>();
  /** group.instance.id → member id of the static member holding it. */
  readonly staticMembers = new Map<string, string>();
  readonly offsets = new Map<string, CommittedOffset>();
  /** Commits appended but not yet acknowledged (a deleted group's late commits are tombstoned). */
  pendingCommits = 0;
  /** A new member joined during the initial rebalance delay: the delay is extended once more. */
  newMemberAdded = false;
  /** The join deadline is Kafka's InitialDelayedJoin: it completes on expiry only. */
  initialJoinDelay = false;
  private subscribedCache: { generation: number; topics: ReadonlySet<string> | null } | undefined;

  constructor(
    readonly groupId: string,
    now: number,
    initial: GroupState = GroupState.Empty,
  ) {
    this.fsm = new GroupStateMachine(groupId, now, initial);
  }

  get state(): GroupState {
    return this.fsm.state;
  }

  is(state: GroupState): boolean {
    return this.fsm.is(state);
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** A static member presenting a member id that is not the one holding its instance id. */
  isStaticMemberFenced(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const holder = this.staticMembers.get(groupInstanceId);
    return holder !== undefined && holder !== memberId;
  }

  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.leaderId ??= member.memberId;
    this.pendingMembers.delete(member.memberId);
  }

  remove(memberId: string): GroupMember | undefined {
    const member = this.members.get(memberId);
    if (member === undefined) return undefined;
    this.members.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) {
      // Prefer a member that is already rejoining, so the next generation's leader is present.
      const next =
        [...this.members.values()].find((m) => m.awaitingJoin !== null) ?? this.members.values().next().value;
      this.leaderId = next?.memberId ?? null;
    }
    return member;
  }

  /** Gives a static member's place (assignment, leadership) to its new member id. */
  replaceStaticMember(oldMemberId: string, newMemberId: string): GroupMember {
    const member = this.members.get(oldMemberId)!;
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    this.staticMembers.set(member.groupInstanceId!, newMemberId);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    return member;
  }

  /**
   * Whether a member with these protocols may join: the first member sets the protocol type;
   * later ones must share it and support at least one protocol every other member supports.
   * `exceptMemberId` (a member rejoining) is left out of "every other member".
   */
  supportsProtocols(
    protocolType: string,
    protocols: readonly MemberProtocol[],
    exceptMemberId?: string,
  ): boolean {
    const others = [...this.members.values()].filter((m) => m.memberId !== exceptMemberId);
    if (others.length === 0) return protocolType !== '' && protocols.length > 0;
    if (protocolType !== this.protocolType) return false;
    return protocols.some((p) => others.every((m) => m.supports(p.name)));
  }

  /**
   * Kafka's vote: among the protocols every member supports, each member votes for the first
   * one in its own preference order; the most votes wins (ties go to the leader's preference).
   */
  selectProtocol(): string {
    const all = [...this.members.values()];
    const first = this.leaderId === null ? all[0] : this.members.get(this.leaderId);
    if (first === undefined) throw new Error(`group '${this.groupId}': no members to select a protocol for`);
    const candidates = first.protocols
      .map((p) => p.name)
      .filter((name) => all.every((m) => m.supports(name)));
    if (candidates.length === 0)
      throw new Error(`group '${this.groupId}': no protocol every member supports`);
    const votes = new Map<string, number>(candidates.map((c) => [c, 0]));
    for (const m of all) {
      const choice = m.protocols.find((p) => votes.has(p.name))!;
      votes.set(choice.name, votes.get(choice.name)! + 1);
    }
    let best = candidates[0]!;
    for (const c of candidates) if (votes.get(c)! > votes.get(best)!) best = c;
    return best;
  }

  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (m.awaitingJoin === null) return false;
    return true;
  }

  /** The largest rebalance timeout of the members: how long a rebalance waits for rejoins. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /**
   * Topics the members subscribe to, decoded from their consumer-protocol metadata; null when
   * unknown (not the "consumer" protocol type, or undecodable metadata), which callers must
   * treat as "maybe any topic".
   */
  subscribedTopics(): ReadonlySet<string> | null {
    if (this.subscribedCache?.generation === this.generationId) return this.subscribedCache.topics;
    let topics: Set<string> | null = null;
    if (this.protocolType === 'consumer' && this.protocolName !== null && this.members.size > 0) {
      topics = new Set();
      for (const m of this.members.values()) {
        const subscribed = decodeSubscriptionTopics(m.metadata(this.protocolName));
        if (subscribed === null) {
          topics = null;
          break;
        }
        for (const t of subscribed) topics.add(t);
      }
    }
    this.subscribedCache = { generation: this.generationId, topics };
    return topics;
  }

  /** Nothing left worth remembering: no members, no pending joins, no offsets. */
  isForgettable(): boolean {
    return (
      this.is(GroupState.Empty) &&
      this.members.size === 0 &&
      this.pendingMembers.size === 0 &&
      this.offsets.size === 0 &&
      this.pendingCommits === 0
    );
  }
}

/** ConsumerProtocolSubscription's latest version; newer ones only append fields, so read them as this. */
const SUBSCRIPTION_MAX_VERSION = 3;

/** The topics of a consumer-protocol subscription, or null if the bytes are not one. */
export function decodeSubscriptionTopics(metadata: Buffer): string[] | null {
  try {
    const r = new Reader(metadata);
    const version = r.int16();
    if (version < 0) return null;
    return decodeConsumerProtocolSubscription(r, Math.min(version, SUBSCRIPTION_MAX_VERSION)).topics;
  } catch {
    return null;
  }
}
