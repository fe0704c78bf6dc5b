/**
 * OffsetForLeaderEpoch v0–v4. Every partition has had one leader epoch, 0, since it was created,
 * so the end offset of epoch 0 (or of any later epoch a client asks about) is the log end offset;
 * an epoch a client claims that is newer than ours gets UNKNOWN_LEADER_EPOCH, and asking for a
 * negative epoch UNDEFINED_EPOCH's answer (-1, -1). Clients use this to detect truncation after a
 * leader change, which cannot happen on one node.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  OffsetForLeaderEpoch,
  type EpochEndOffset,
} from '../../protocol/messages/offset-for-leader-epoch.js';
import type { BrokerContext } from '../context.js';
import { defineHandler } from '../router.js';

export function offsetForLeaderEpochHandler(ctx: BrokerContext) {
  const answer = (
    partition: number,
    errorCode: number,
    leaderEpoch = -1,
    endOffset = -1,
  ): EpochEndOffset => ({
    errorCode,
    partition,
    leaderEpoch,
    endOffset: BigInt(endOffset),
  });
  return defineHandler({
    api: OffsetForLeaderEpoch,
    versions: [0, 4],
    handle: (req) =>
      OffsetForLeaderEpoch.createResponse({
        topics: req.topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((p) => {
            const log = ctx.logs.log(t.topic, p.partition);
            if (log === undefined) return answer(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            if (p.currentLeaderEpoch > 0) return answer(p.partition, ErrorCode.UNKNOWN_LEADER_EPOCH);
            if (p.leaderEpoch < 0) return answer(p.partition, ErrorCode.NONE);
            return answer(p.partition, ErrorCode.NONE, 0, log.logEndOffset);
          }),
        })),
      }),
    errorResponse: (req, errorCode) =>
      OffsetForLeaderEpoch.createResponse({
        topics: req.topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((p) => answer(p.partition, errorCode)),
        })),
      }),
  });
}
