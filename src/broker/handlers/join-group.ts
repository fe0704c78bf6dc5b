/**
 * JoinGroup v0–v9 (classic rebalance protocol). The response waits until the rebalance
 * completes: every known member has rejoined, or the largest rebalance timeout passed (v0 has
 * no rebalance timeout; the session timeout stands in, as in Kafka). v4+: a member without an
 * id first gets MEMBER_ID_REQUIRED and the id to rejoin with. v5+: static membership
 * (`group.instance.id`). v7+ answers the protocol type; v9 tells a rejoining static leader to
 * skip the assignment. The leader alone receives the member list. Errors: INVALID_GROUP_ID,
 * INVALID_SESSION_TIMEOUT, INCONSISTENT_GROUP_PROTOCOL, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID,
 * COORDINATOR_LOAD_IN_PROGRESS. Not implemented: `group.max.size` (no limit).
 */
import { JoinGroup } from '../../protocol/messages/join-group.js';
import type { GroupCoordinator } from '../group-coordinator/index.js';
import { defineHandler } from '../router.js';

/** Kafka reports a member's host as Java's InetAddress.toString(): `/127.0.0.1`. */
export function clientHost(remoteAddress: string): string {
  const colon = remoteAddress.lastIndexOf(':');
  return `/${colon < 0 ? remoteAddress : remoteAddress.slice(0, colon)}`;
}

export function joinGroupHandler(groups: GroupCoordinator) {
  return defineHandler({
    api: JoinGroup,
    versions: [0, 9],
    handle: async (req, { apiVersion, clientId, remoteAddress }) => {
      const r = await groups.join({
        groupId: req.groupId,
        memberId: req.memberId,
        groupInstanceId: req.groupInstanceId,
        protocolType: req.protocolType,
        // Copies: the members' metadata outlives the request frame.
        protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: apiVersion >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
        clientId: clientId ?? '',
        clientHost: clientHost(remoteAddress),
        requireKnownMemberId: apiVersion >= 4,
      });
      return JoinGroup.createResponse({
        errorCode: r.errorCode,
        generationId: r.generationId,
        protocolType: r.protocolType,
        protocolName: r.protocolName ?? (apiVersion < 7 ? '' : null),
        leader: r.leaderId,
        skipAssignment: apiVersion >= 9 && r.skipAssignment,
        memberId: r.memberId,
        members: r.members,
      });
    },
    errorResponse: (req, errorCode) => JoinGroup.createResponse({ errorCode, memberId: req.memberId }),
  });
}
