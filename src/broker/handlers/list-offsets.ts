/**
 * ListOffsets v0–v9. Per partition: LATEST (-1) is the high watermark, or the last stable offset
 * for read_committed (isolation level 1, v2+); EARLIEST (-2) and EARLIEST_LOCAL (-4, v8+) the log
 * start offset; MAX_TIMESTAMP (-3, v7+) the record with the largest timestamp; a timestamp ≥ 0 the
 * first record at or after it (offset -1 when none is). v0 answers in `oldStyleOffsets`.
 * EARLIEST_PENDING_UPLOAD (-5, v9, tiered storage) answers offset -1: nothing is tiered.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  ListOffsets,
  type ListOffsetsPartition,
  type ListOffsetsPartitionResponse,
} from '../../protocol/messages/list-offsets.js';
import type { PartitionLog, TimestampOffset } from '../../storage/log-types.js';
import type { BrokerContext } from '../context.js';
import { defineHandler } from '../router.js';
import { expectedError, toSafeNumber } from './errors.js';

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const EARLIEST_PENDING_UPLOAD = -5n;

function answer(
  partitionIndex: number,
  errorCode: number,
  apiVersion: number,
  found: TimestampOffset | null = null,
): ListOffsetsPartitionResponse {
  const offset = BigInt(found?.offset ?? -1);
  return {
    partitionIndex,
    errorCode,
    oldStyleOffsets: apiVersion === 0 && found !== null ? [offset] : [],
    timestamp: BigInt(found?.timestamp ?? -1),
    offset: apiVersion === 0 ? -1n : offset,
    leaderEpoch: found === null || apiVersion < 4 ? -1 : 0,
  };
}

async function lookup(
  log: PartitionLog,
  ts: bigint,
  readCommitted: boolean,
): Promise<TimestampOffset | null> {
  switch (ts) {
    case LATEST:
      return { offset: readCommitted ? log.lastStableOffset : log.highWatermark, timestamp: -1 };
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { offset: log.logStartOffset, timestamp: -1 };
    case MAX_TIMESTAMP:
      return log.maxTimestamp();
    case EARLIEST_PENDING_UPLOAD:
      return null;
    default: {
      const t = toSafeNumber(ts);
      return t === null || t < 0 ? null : log.offsetForTimestamp(t);
    }
  }
}

export function listOffsetsHandler(ctx: BrokerContext) {
  async function one(topic: string, p: ListOffsetsPartition, readCommitted: boolean, apiVersion: number) {
    const log = ctx.logs.log(topic, p.partitionIndex);
    if (log === undefined) return answer(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, apiVersion);
    if (p.currentLeaderEpoch > 0) return answer(p.partitionIndex, ErrorCode.UNKNOWN_LEADER_EPOCH, apiVersion);
    if (p.timestamp < EARLIEST_PENDING_UPLOAD || (apiVersion < 7 && p.timestamp === MAX_TIMESTAMP)) {
      return answer(p.partitionIndex, ErrorCode.UNSUPPORTED_VERSION, apiVersion);
    }
    try {
      const found = await lookup(log, p.timestamp, readCommitted);
      return answer(p.partitionIndex, ErrorCode.NONE, apiVersion, found);
    } catch (err) {
      return answer(p.partitionIndex, expectedError(err).code, apiVersion);
    }
  }

  return defineHandler({
    api: ListOffsets,
    versions: [0, 9],
    handle: async (req, { apiVersion }) => {
      const readCommitted = req.isolationLevel === 1;
      const topics = await Promise.all(
        req.topics.map(async (t) => ({
          name: t.name,
          partitions: await Promise.all(t.partitions.map((p) => one(t.name, p, readCommitted, apiVersion))),
        })),
      );
      return ListOffsets.createResponse({ topics });
    },
    errorResponse: (req, errorCode) =>
      ListOffsets.createResponse({
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => answer(p.partitionIndex, errorCode, 1)),
        })),
      }),
  });
}
