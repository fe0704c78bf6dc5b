/**
 * Produce v3–v11 (record batches v2 only: older versions carry message sets v0/v1, which are out
 * of scope). acks 0 (no response), 1 (acknowledged once written to the OS) and -1/all
 * (acknowledged after fsync, shared between concurrent requests by the log's group commit); any
 * other acks is INVALID_REQUIRED_ACKS. Each batch's CRC is checked here; the log checks structure,
 * size (`max.message.bytes`), timestamps and producer sequences, and the outcome becomes the
 * partition's error code. Partitions of one request are appended concurrently. zstd needs v7+
 * (UNSUPPORTED_COMPRESSION_TYPE before, as in Kafka). INVALID_RECORD (v8+) is CORRUPT_MESSAGE for
 * older clients, which do not know it. Internal topics (`__consumer_offsets` …) are written by
 * the broker only: producing to them is INVALID_TOPIC_EXCEPTION, as in Kafka. Not implemented: transactions (a later issue), quotas
 * (throttle time is always 0), `timeoutMs` (a local fsync has no replicas to wait for).
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  Produce,
  type PartitionProduceData,
  type PartitionProduceResponse,
} from '../../protocol/messages/produce.js';
import { isProtocolError } from '../../protocol/errors.js';
import { BatchView, CompressionType } from '../../protocol/records/batch-view.js';
import type { AppendOutcome } from '../../storage/log-types.js';
import { isInternalTopic, type BrokerContext } from '../context.js';
import { defineHandler, NO_RESPONSE } from '../router.js';
import { expectedError } from './errors.js';

const outcomeCodes: Record<Exclude<AppendOutcome['kind'], 'appended' | 'duplicate'>, number> = {
  'out-of-order-sequence': ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  'invalid-producer-epoch': ErrorCode.INVALID_PRODUCER_EPOCH,
  'invalid-record': ErrorCode.INVALID_RECORD,
  'record-too-large': ErrorCode.MESSAGE_TOO_LARGE,
  'invalid-timestamp': ErrorCode.INVALID_TIMESTAMP,
};

/** A CRC or codec problem found before the log sees the bytes, or null. */
function checkBatches(records: Buffer, apiVersion: number): { code: number; message: string } | null {
  let pos = 0;
  while (pos < records.length) {
    let view: BatchView;
    try {
      view = BatchView.at(records, pos);
    } catch (err) {
      if (isProtocolError(err)) return null; // structure: the log reports it as INVALID_RECORD
      throw err;
    }
    if (!view.crcValid()) {
      return { code: ErrorCode.CORRUPT_MESSAGE, message: `batch at byte ${pos}: CRC mismatch` };
    }
    if (view.compressionCode === CompressionType.Zstd && apiVersion < 7) {
      return { code: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, message: 'zstd needs Produce v7 or later' };
    }
    pos += view.size;
  }
  return null;
}

export function produceHandler(ctx: BrokerContext) {
  const response = (
    index: number,
    errorCode: number,
    errorMessage: string | null,
    apiVersion: number,
    offsets?: { baseOffset: number; logAppendTime: number; logStartOffset: number },
  ): PartitionProduceResponse => ({
    index,
    errorCode:
      errorCode === ErrorCode.INVALID_RECORD && apiVersion < 8 ? ErrorCode.CORRUPT_MESSAGE : errorCode,
    baseOffset: BigInt(offsets?.baseOffset ?? -1),
    logAppendTimeMs: BigInt(offsets?.logAppendTime ?? -1),
    logStartOffset: BigInt(offsets?.logStartOffset ?? -1),
    recordErrors: [],
    errorMessage,
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
  });

  async function appendOne(
    topic: string,
    p: PartitionProduceData,
    durable: boolean,
    apiVersion: number,
  ): Promise<PartitionProduceResponse> {
    if (isInternalTopic(topic)) {
      return response(
        p.index,
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        `cannot produce to internal topic ${topic}`,
        apiVersion,
      );
    }
    const log = ctx.logs.log(topic, p.index);
    if (log === undefined) {
      return response(
        p.index,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        `${topic}-${p.index} does not exist`,
        apiVersion,
      );
    }
    if (p.records === null || p.records.length === 0) {
      return response(p.index, ErrorCode.INVALID_RECORD, 'no record batches', apiVersion);
    }
    const bad = checkBatches(p.records, apiVersion);
    if (bad !== null) return response(p.index, bad.code, bad.message, apiVersion);
    try {
      const outcome = await log.append(p.records, { durable });
      if (outcome.kind === 'appended' || outcome.kind === 'duplicate') {
        return response(p.index, ErrorCode.NONE, null, apiVersion, outcome);
      }
      return response(p.index, outcomeCodes[outcome.kind], outcome.message, apiVersion, {
        baseOffset: -1,
        logAppendTime: -1,
        logStartOffset: log.logStartOffset,
      });
    } catch (err) {
      const { code, message } = expectedError(err);
      return response(p.index, code, message, apiVersion);
    }
  }

  return defineHandler({
    api: Produce,
    versions: [3, 11],
    handle: async (req, { apiVersion }) => {
      const acks = req.acks;
      const valid = acks === 0 || acks === 1 || acks === -1;
      const responses = await Promise.all(
        req.topicData.map(async (t) => ({
          name: t.name,
          partitionResponses: await Promise.all(
            t.partitionData.map((p) =>
              valid
                ? appendOne(t.name, p, acks === -1, apiVersion)
                : Promise.resolve(
                    response(
                      p.index,
                      ErrorCode.INVALID_REQUIRED_ACKS,
                      `acks=${acks}: use 0, 1 or -1`,
                      apiVersion,
                    ),
                  ),
            ),
          ),
        })),
      );
      if (acks === 0) return NO_RESPONSE;
      return Produce.createResponse({ responses });
    },
    errorResponse: (req, errorCode) =>
      Produce.createResponse({
        responses: req.topicData.map((t) => ({
          name: t.name,
          partitionResponses: t.partitionData.map((p) => response(p.index, errorCode, null, 11)),
        })),
      }),
  });
}
