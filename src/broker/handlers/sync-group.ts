/**
 * SyncGroup v0–v5. The leader's request carries every member's assignment; the group becomes
 * Stable and each waiting member gets its own. A follower's request waits for the leader's.
 * v3+ carries `group.instance.id` (FENCED_INSTANCE_ID for a replaced static member); v5+ the
 * protocol type and name, checked against the group's (INCONSISTENT_GROUP_PROTOCOL). Errors:
 * UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION (a stale generation), REBALANCE_IN_PROGRESS,
 * COORDINATOR_LOAD_IN_PROGRESS.
 */
import { SyncGroup } from '../../protocol/messages/sync-group.js';
import type { GroupCoordinator } from '../group-coordinator/index.js';
import { defineHandler } from '../router.js';

export function syncGroupHandler(groups: GroupCoordinator) {
  return defineHandler({
    api: SyncGroup,
    versions: [0, 5],
    handle: async (req) => {
      const r = await groups.sync({
        groupId: req.groupId,
        generationId: req.generationId,
        memberId: req.memberId,
        groupInstanceId: req.groupInstanceId,
        protocolType: req.protocolType,
        protocolName: req.protocolName,
        assignments: req.assignments,
      });
      return SyncGroup.createResponse({
        errorCode: r.errorCode,
        protocolType: r.protocolType,
        protocolName: r.protocolName,
        assignment: r.assignment,
      });
    },
  });
}
