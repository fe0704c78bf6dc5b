/**
 * OffsetCommit v0–v9. Offsets (with leader epoch v6+ and metadata) are appended to
 * `__consumer_offsets` and fsynced before the answer. v0 and a generation of -1 with an empty
 * member id are a simple consumer storing offsets without membership (allowed while the group
 * is Empty); otherwise the member and generation are checked: UNKNOWN_MEMBER_ID,
 * ILLEGAL_GENERATION (also for an unknown group), FENCED_INSTANCE_ID (v7+),
 * REBALANCE_IN_PROGRESS (between JoinGroup and the leader's SyncGroup). Per partition:
 * UNKNOWN_TOPIC_OR_PARTITION, OFFSET_METADATA_TOO_LARGE (`offset.metadata.max.bytes`),
 * INVALID_COMMIT_OFFSET_SIZE for an offset beyond 2^53. v1's commit timestamp and v2–v4's
 * retention time set the offset's expiry as in Kafka.
 */
import { OffsetCommit } from '../../protocol/messages/offset-commit.js';
import type { GroupCoordinator } from '../group-coordinator/index.js';
import { defineHandler } from '../router.js';
import { toSafeNumber } from './errors.js';

export function offsetCommitHandler(groups: GroupCoordinator) {
  return defineHandler({
    api: OffsetCommit,
    versions: [0, 9],
    handle: async (req) => {
      const result = await groups.commitOffsets({
        groupId: req.groupId,
        generationId: req.generationIdOrMemberEpoch,
        memberId: req.memberId,
        groupInstanceId: req.groupInstanceId,
        retentionTimeMs: toSafeNumber(req.retentionTimeMs) ?? -1,
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partition: p.partitionIndex,
            offset: toSafeNumber(p.committedOffset) ?? Number.NaN,
            leaderEpoch: p.committedLeaderEpoch,
            metadata: p.committedMetadata,
            commitTimestamp: toSafeNumber(p.commitTimestamp) ?? -1,
          })),
        })),
      });
      return OffsetCommit.createResponse({
        topics: result.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: p.errorCode })),
        })),
      });
    },
    errorResponse: (req, errorCode) =>
      OffsetCommit.createResponse({
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
        })),
      }),
  });
}
