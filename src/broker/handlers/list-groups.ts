/**
 * ListGroups v0–v5. Every group this coordinator knows, including groups that only store
 * offsets (protocol type ''). v4+ filters by state (case-insensitive) and answers each group's
 * state; v5+ filters by type and answers it: every group here is a `classic` group.
 */
import { ListGroups } from '../../protocol/messages/list-groups.js';
import type { GroupCoordinator } from '../group-coordinator/index.js';
import { defineHandler } from '../router.js';

const CLASSIC = 'classic';

export function listGroupsHandler(groups: GroupCoordinator) {
  return defineHandler({
    api: ListGroups,
    versions: [0, 5],
    handle: (req) => {
      const r = groups.listGroups(req.statesFilter);
      const typeOk = req.typesFilter.length === 0 || req.typesFilter.some((t) => t.toLowerCase() === CLASSIC);
      return ListGroups.createResponse({
        errorCode: r.errorCode,
        groups: typeOk
          ? r.groups.map((g) => ({
              groupId: g.groupId,
              protocolType: g.protocolType,
              groupState: g.state,
              groupType: CLASSIC,
            }))
          : [],
      });
    },
  });
}
