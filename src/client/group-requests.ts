import { ErrorCode } from '../protocol/error-codes.js';
import { Heartbeat } from '../protocol/messages/heartbeat.js';
import { JoinGroup, type JoinGroupResponse } from '../protocol/messages/join-group.js';
import { LeaveGroup } from '../protocol/messages/leave-group.js';
import { SyncGroup, type SyncGroupResponse } from '../protocol/messages/sync-group.js';
import { RivuletError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { MemberSubscription, PartitionAssignor } from './assignors.js';
import type { Cluster } from './cluster.js';
import type { BrokerConnection } from './connection.js';
import {
  CONSUMER_PROTOCOL_TYPE,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from './consumer-protocol.js';
import { withRetry } from './retry.js';

/**
 * The classic group protocol's requests, one function each, picking fields by the version the
 * coordinator speaks. They return Kafka's answers as they are: error codes are the member's to
 * interpret (group-member.ts), connection failures throw.
 */

/** Who a member is in the group. */
export interface MemberIdentity {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
}

export interface JoinInput extends MemberIdentity {
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  topics: readonly string[];
  assignors: readonly PartitionAssignor[];
  reason: string;
}

/** JoinGroup waits for every member to rejoin: up to the rebalance timeout, plus Kafka's 5 s lapse. */
export function joinTimeoutMs(rebalanceTimeoutMs: number, requestTimeoutMs: number): number {
  return Math.max(requestTimeoutMs, rebalanceTimeoutMs + 5000);
}

export async function sendJoinGroup(
  conn: BrokerConnection,
  input: JoinInput,
  timeoutMs: number,
): Promise<JoinGroupResponse> {
  await conn.connect();
  const version = conn.version(JoinGroup);
  requireStaticSupport(conn, input.groupInstanceId, version, 5, 'JoinGroup');
  const metadata = encodeSubscription({ topics: [...input.topics], userData: null, ownedPartitions: [] });
  return conn.send(
    JoinGroup,
    version,
    JoinGroup.createRequest({
      groupId: input.groupId,
      sessionTimeoutMs: input.sessionTimeoutMs,
      rebalanceTimeoutMs: input.rebalanceTimeoutMs,
      memberId: input.memberId,
      groupInstanceId: input.groupInstanceId,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocols: input.assignors.map((a) => ({ name: a.name, metadata })),
      reason: input.reason,
    }),
    { timeoutMs },
  );
}

export interface SyncInput extends MemberIdentity {
  generationId: number;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export async function sendSyncGroup(
  conn: BrokerConnection,
  input: SyncInput,
  timeoutMs: number,
): Promise<SyncGroupResponse> {
  await conn.connect();
  const version = conn.version(SyncGroup);
  requireStaticSupport(conn, input.groupInstanceId, version, 3, 'SyncGroup');
  return conn.send(
    SyncGroup,
    version,
    SyncGroup.createRequest({
      groupId: input.groupId,
      generationId: input.generationId,
      memberId: input.memberId,
      groupInstanceId: input.groupInstanceId,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocolName: input.protocolName,
      assignments: input.assignments,
    }),
    { timeoutMs },
  );
}

export async function sendHeartbeat(
  conn: BrokerConnection,
  who: MemberIdentity,
  generationId: number,
  timeoutMs: number,
): Promise<number> {
  await conn.connect();
  const version = conn.version(Heartbeat);
  const res = await conn.send(
    Heartbeat,
    version,
    Heartbeat.createRequest({
      groupId: who.groupId,
      generationId,
      memberId: who.memberId,
      groupInstanceId: version >= 3 ? who.groupInstanceId : null,
    }),
    { timeoutMs },
  );
  return res.errorCode;
}

/** LeaveGroup for one member; resolves to the member's error code (or the request's). */
export async function sendLeaveGroup(
  conn: BrokerConnection,
  who: MemberIdentity,
  reason: string,
): Promise<number> {
  await conn.connect();
  const version = conn.version(LeaveGroup);
  const res = await conn.send(
    LeaveGroup,
    version,
    LeaveGroup.createRequest({
      groupId: who.groupId,
      memberId: version < 3 ? who.memberId : '',
      members: version >= 3 ? [{ memberId: who.memberId, groupInstanceId: who.groupInstanceId, reason }] : [],
    }),
  );
  if (res.errorCode !== ErrorCode.NONE) return res.errorCode;
  return res.members[0]?.errorCode ?? ErrorCode.NONE;
}

function requireStaticSupport(
  conn: BrokerConnection,
  groupInstanceId: string | null,
  version: number,
  needs: number,
  api: string,
): void {
  if (groupInstanceId !== null && version < needs) {
    throw new RivuletError(
      'RIV_ERR_UNSUPPORTED_VERSION',
      `broker ${conn.address} speaks ${api} v${version}; static membership (groupInstanceId) needs v${needs}`,
    );
  }
}

/**
 * The leader's part of a rebalance: decodes every member's subscription, looks up the partition
 * counts of the subscribed topics, runs the assignor the coordinator chose and encodes each
 * member's share. A member whose subscription cannot be decoded is given nothing (logged), so
 * one broken client does not stall the whole group.
 */
export async function leaderAssignments(
  cluster: Cluster,
  assignors: readonly PartitionAssignor[],
  join: JoinGroupResponse,
  log: Logger,
): Promise<{
  assignments: { memberId: string; assignment: Buffer }[];
  /** Every topic some member subscribes to, and the partition counts of those that exist. */
  topics: string[];
  partitionCounts: Map<string, number>;
}> {
  const assignor = assignors.find((a) => a.name === join.protocolName);
  if (assignor === undefined) {
    throw new RivuletError(
      'RIV_ERR_INTERNAL',
      `the coordinator chose assignor '${join.protocolName ?? ''}', which this member did not offer`,
    );
  }
  const members: MemberSubscription[] = join.members.map((m) => {
    try {
      const s = decodeSubscription(m.metadata);
      return {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        topics: s.topics,
        userData: s.userData,
      };
    } catch (err) {
      log.warn('unreadable subscription: the member gets no partitions', {
        memberId: m.memberId,
        error: err instanceof Error ? err.message : String(err),
      });
      return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, topics: [], userData: null };
    }
  });
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
  const counts = await partitionCounts(cluster, topics);
  const result = assignor.assign(members, counts);
  return {
    assignments: members.map((m) => ({
      memberId: m.memberId,
      assignment: encodeAssignment({ partitions: result.get(m.memberId) ?? [], userData: null }),
    })),
    topics,
    partitionCounts: counts,
  };
}

/** Partition counts of the topics that exist (Metadata, retried on connection failures). */
export async function partitionCounts(
  cluster: Cluster,
  topics: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (topics.length === 0) return counts;
  const res = await withRetry(cluster.retry, () => cluster.fetchMetadata(topics));
  for (const t of res.topics) {
    if (t.name !== null && t.errorCode === ErrorCode.NONE) counts.set(t.name, t.partitions.length);
  }
  return counts;
}
