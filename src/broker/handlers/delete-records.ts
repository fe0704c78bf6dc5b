/**
 * DeleteRecords v0–v2: advances each partition's log start offset to `offset` (-1 means the high
 * watermark); records before it become unreadable at once and their segments are deleted when
 * wholly below it. An offset above the high watermark gets OFFSET_OUT_OF_RANGE; one below the
 * current start is a no-op that reports the current start, as in Kafka.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { DeleteRecords, type DeleteRecordsPartitionResult } from '../../protocol/messages/delete-records.js';
import type { BrokerContext } from '../context.js';
import { defineHandler } from '../router.js';
import { expectedError, toSafeNumber } from './errors.js';

export function deleteRecordsHandler(ctx: BrokerContext) {
  async function one(
    topic: string,
    partitionIndex: number,
    offset: bigint,
  ): Promise<DeleteRecordsPartitionResult> {
    const result = (errorCode: number, lowWatermark = -1): DeleteRecordsPartitionResult => ({
      partitionIndex,
      lowWatermark: BigInt(lowWatermark),
      errorCode,
    });
    const log = ctx.logs.log(topic, partitionIndex);
    if (log === undefined) return result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const before = toSafeNumber(offset);
    if (before === null || before < -1) return result(ErrorCode.OFFSET_OUT_OF_RANGE);
    try {
      const r = await log.deleteRecords(before);
      return r.kind === 'deleted'
        ? result(ErrorCode.NONE, r.lowWatermark)
        : result(ErrorCode.OFFSET_OUT_OF_RANGE, r.logStartOffset);
    } catch (err) {
      return result(expectedError(err).code);
    }
  }

  return defineHandler({
    api: DeleteRecords,
    versions: [0, 2],
    handle: async (req) => {
      const topics = await Promise.all(
        req.topics.map(async (t) => ({
          name: t.name,
          partitions: await Promise.all(t.partitions.map((p) => one(t.name, p.partitionIndex, p.offset))),
        })),
      );
      return DeleteRecords.createResponse({ topics });
    },
    errorResponse: (req, errorCode) =>
      DeleteRecords.createResponse({
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            lowWatermark: -1n,
            errorCode,
          })),
        })),
      }),
  });
}
