/**
 * Heartbeat v0–v4: keeps a member's session alive. REBALANCE_IN_PROGRESS tells it to rejoin;
 * UNKNOWN_MEMBER_ID (unknown group or member, or an Empty group), ILLEGAL_GENERATION,
 * FENCED_INSTANCE_ID (v3+, a replaced static member), COORDINATOR_LOAD_IN_PROGRESS.
 */
import { Heartbeat } from '../../protocol/messages/heartbeat.js';
import type { GroupCoordinator } from '../group-coordinator/index.js';
import { defineHandler } from '../router.js';

export function heartbeatHandler(groups: GroupCoordinator) {
  return defineHandler({
    api: Heartbeat,
    versions: [0, 4],
    handle: (req) =>
      Heartbeat.createResponse({
        errorCode: groups.heartbeat({
          groupId: req.groupId,
          generationId: req.generationId,
          memberId: req.memberId,
          groupInstanceId: req.groupInstanceId,
        }),
      }),
  });
}
