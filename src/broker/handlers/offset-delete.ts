/**
 * OffsetDelete v0. Removes committed offsets of an Empty group, or of topics no member of an
 * active consumer group subscribes to (GROUP_SUBSCRIBED_TO_TOPIC for the others; an active
 * group of another protocol type answers NON_EMPTY_GROUP). An unknown group answers
 * GROUP_ID_NOT_FOUND, an unknown partition UNKNOWN_TOPIC_OR_PARTITION.
 */
import { OffsetDelete } from '../../protocol/messages/offset-delete.js';
import type { GroupCoordinator } from '../group-coordinator/index.js';
import { defineHandler } from '../router.js';

export function offsetDeleteHandler(groups: GroupCoordinator) {
  return defineHandler({
    api: OffsetDelete,
    versions: [0, 0],
    handle: async (req) => {
      const r = await groups.deleteOffsets(
        req.groupId,
        req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })),
      );
      return OffsetDelete.createResponse({
        errorCode: r.errorCode,
        topics: r.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: p.errorCode })),
        })),
      });
    },
  });
}
