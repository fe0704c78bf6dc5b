/**
 * DeleteGroups v0–v2. An Empty group is deleted with its committed offsets (tombstones in
 * `__consumer_offsets`, fsynced). A group with members answers NON_EMPTY_GROUP; an unknown one
 * GROUP_ID_NOT_FOUND.
 */
import { DeleteGroups } from '../../protocol/messages/delete-groups.js';
import type { GroupCoordinator } from '../group-coordinator/index.js';
import { defineHandler } from '../router.js';

export function deleteGroupsHandler(groups: GroupCoordinator) {
  return defineHandler({
    api: DeleteGroups,
    versions: [0, 2],
    handle: async (req) =>
      DeleteGroups.createResponse({ results: await groups.deleteGroups(req.groupsNames) }),
    errorResponse: (req, errorCode) =>
      DeleteGroups.createResponse({ results: req.groupsNames.map((groupId) => ({ groupId, errorCode })) }),
  });
}
