/**
 * LeaveGroup v0–v5. v0–v2 remove one member by id; v3+ remove a batch, each by member id or by
 * `group.instance.id` (FENCED_INSTANCE_ID when both are given and disagree), answering per
 * member. The group rebalances without the leavers. An unknown group answers UNKNOWN_MEMBER_ID
 * per member (top-level for v0–v2, where the first member error is the answer, as Kafka).
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { LeaveGroup } from '../../protocol/messages/leave-group.js';
import type { GroupCoordinator } from '../group-coordinator/index.js';
import { defineHandler } from '../router.js';

export function leaveGroupHandler(groups: GroupCoordinator) {
  return defineHandler({
    api: LeaveGroup,
    versions: [0, 5],
    handle: (req, { apiVersion }) => {
      if (apiVersion < 3) {
        const r = groups.leave(req.groupId, [{ memberId: req.memberId, groupInstanceId: null }]);
        const memberError = r.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode;
        return LeaveGroup.createResponse({
          errorCode: r.errorCode !== ErrorCode.NONE ? r.errorCode : (memberError ?? ErrorCode.NONE),
        });
      }
      const r = groups.leave(req.groupId, req.members);
      return LeaveGroup.createResponse({ errorCode: r.errorCode, members: r.members });
    },
    errorResponse: (_req, errorCode) => LeaveGroup.createResponse({ errorCode }),
  });
}
