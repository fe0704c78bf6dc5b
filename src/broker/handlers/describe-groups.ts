/**
 * DescribeGroups v0–v5. State, protocol type, and members (client id, host as `/address`, and
 * v4+ `group.instance.id`); the selected protocol and the members' metadata and assignments
 * only while the group is Stable, as in Kafka. An unknown group is described as Dead with no
 * error. v3+ reports authorized operations when asked (everything: there is no authorization).
 */
import { DescribeGroups } from '../../protocol/messages/describe-groups.js';
import type { GroupCoordinator } from '../group-coordinator/index.js';
import { defineHandler } from '../router.js';

/** Kafka's "not requested" value for authorized-operation bitfields. */
const OPS_NOT_REQUESTED = -2147483648;
/** READ, DELETE, DESCRIBE (AclOperation codes): what Kafka lists for a group. */
const GROUP_OPS = [3, 6, 8].reduce((bits, op) => bits | (1 << op), 0);

export function describeGroupsHandler(groups: GroupCoordinator) {
  return defineHandler({
    api: DescribeGroups,
    versions: [0, 5],
    handle: (req, { apiVersion }) =>
      DescribeGroups.createResponse({
        groups: req.groups.map((id) => {
          const d = groups.describeGroup(id);
          return {
            errorCode: d.errorCode,
            groupId: d.groupId,
            groupState: d.state,
            protocolType: d.protocolType,
            protocolData: d.protocolData,
            members: d.members.map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              memberMetadata: m.metadata,
              memberAssignment: m.assignment,
            })),
            authorizedOperations:
              apiVersion >= 3 && req.includeAuthorizedOperations ? GROUP_OPS : OPS_NOT_REQUESTED,
          };
        }),
      }),
    errorResponse: (req, errorCode) =>
      DescribeGroups.createResponse({
        groups: req.groups.map((groupId) => ({
          errorCode,
          groupId,
          groupState: '',
          protocolType: '',
          protocolData: '',
          members: [],
          authorizedOperations: OPS_NOT_REQUESTED,
        })),
      }),
  });
}
