/**
 * Fetch v4–v17. Reads whole batches from each requested partition — up to `partitionMaxBytes`
 * each and `maxBytes` in all, except that the first batch found is returned even when larger, so a
 * consumer always progresses — and, while fewer than `minBytes` are available, waits up to
 * `maxWaitMs`, woken by appends (the log's high-watermark events) or by broker shutdown.
 * read_committed (isolation level 1) stops at the last stable offset and lists aborted
 * transactions. Topics are named by name (v4–v12) or id (v13+). Fetch sessions (KIP-227) are
 * not kept: a full fetch is answered with session id 0 ("no session"), so clients keep sending
 * full fetches, and an incremental fetch gets FETCH_SESSION_ID_NOT_FOUND.
 * Not implemented: rack-aware replica selection (KIP-392), quotas, replica fetchers.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { Fetch, type FetchRequest, type PartitionData } from '../../protocol/messages/fetch.js';
import { ZERO_UUID } from '../../protocol/primitives/uuid.js';
import type { PartitionLog } from '../../storage/log-types.js';
import type { BrokerContext } from '../context.js';
import { defineHandler, type RequestContext } from '../router.js';
import { expectedError, toSafeNumber } from './errors.js';

const READ_COMMITTED = 1;
const EMPTY = Buffer.alloc(0);

/** One partition of the request, resolved against our topics. */
interface Wanted {
  readonly topicIndex: number;
  readonly partition: number;
  readonly log: PartitionLog | undefined;
  readonly errorCode: number;
  readonly fetchOffset: number;
  readonly maxBytes: number;
}

function partitionData(index: number, errorCode: number, log?: PartitionLog): PartitionData {
  return {
    partitionIndex: index,
    errorCode,
    highWatermark: BigInt(log?.highWatermark ?? -1),
    lastStableOffset: BigInt(log?.lastStableOffset ?? -1),
    logStartOffset: BigInt(log?.logStartOffset ?? -1),
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: EMPTY,
  };
}

export function fetchHandler(ctx: BrokerContext) {
  const { logs } = ctx;

  function resolve(req: FetchRequest, apiVersion: number): { names: string[]; wanted: Wanted[] } {
    const names: string[] = [];
    const wanted: Wanted[] = [];
    req.topics.forEach((t, topicIndex) => {
      const info = apiVersion >= 13 ? logs.topicById(t.topicId) : logs.topic(t.topic);
      names.push(info?.name ?? t.topic);
      const unknown = apiVersion >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      for (const p of t.partitions) {
        const log = info === undefined ? undefined : logs.log(info.name, p.partition);
        const fetchOffset = toSafeNumber(p.fetchOffset);
        let errorCode: number = ErrorCode.NONE;
        if (log === undefined) errorCode = unknown;
        else if (p.currentLeaderEpoch > 0) errorCode = ErrorCode.UNKNOWN_LEADER_EPOCH;
        else if (fetchOffset === null) errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
        wanted.push({
          topicIndex,
          partition: p.partition,
          log,
          errorCode,
          fetchOffset: fetchOffset ?? -1,
          maxBytes: Math.max(0, p.partitionMaxBytes),
        });
      }
    });
    return { names, wanted };
  }

  /** Reads every partition once; returns the answers and the record bytes gathered. */
  async function readAll(
    wanted: readonly Wanted[],
    maxBytes: number,
    readCommitted: boolean,
  ): Promise<{ answers: PartitionData[]; bytes: number; failed: boolean; seen: number[] }> {
    const answers: PartitionData[] = [];
    // The high watermark each read saw: a wait wakes only on growth past it.
    const seen: number[] = [];
    let bytes = 0;
    let failed = false;
    for (const w of wanted) {
      seen.push(w.log?.highWatermark ?? -1);
      if (w.errorCode !== ErrorCode.NONE || w.log === undefined) {
        answers.push(partitionData(w.partition, w.errorCode, w.log));
        failed = true;
        continue;
      }
      const log = w.log;
      const budget = Math.min(w.maxBytes, maxBytes - bytes);
      if (budget <= 0 && bytes > 0) {
        answers.push(partitionData(w.partition, ErrorCode.NONE, log));
        continue;
      }
      try {
        const r = await log.read(
          w.fetchOffset,
          Math.max(budget, 1),
          readCommitted ? { maxOffset: log.lastStableOffset } : undefined,
        );
        seen[seen.length - 1] = r.highWatermark;
        const answer = partitionData(w.partition, ErrorCode.NONE, log);
        answer.highWatermark = BigInt(r.highWatermark);
        answer.lastStableOffset = BigInt(r.lastStableOffset);
        answer.logStartOffset = BigInt(r.logStartOffset);
        if (r.kind === 'offset-out-of-range') {
          answer.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
          failed = true;
        } else if (bytes === 0 || r.records.length <= budget) {
          // Only the first data returned may exceed the budget (so a consumer always progresses).
          answer.records = r.records;
          bytes += r.records.length;
          if (readCommitted) {
            answer.abortedTransactions = log
              .abortedTransactions(w.fetchOffset, r.lastStableOffset)
              .map((a) => ({ producerId: BigInt(a.producerId), firstOffset: BigInt(a.firstOffset) }));
          }
        }
        answers.push(answer);
      } catch (err) {
        answers.push(partitionData(w.partition, expectedError(err).code, log));
        failed = true;
      }
    }
    return { answers, bytes, failed, seen };
  }

  /** Resolves when any partition's high watermark passes what the last read saw, at `deadline`, or on shutdown. */
  function waitForData(
    wanted: readonly Wanted[],
    seen: readonly number[],
    deadlineMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    return new Promise((resolve) => {
      const offs: (() => void)[] = [];
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        for (const off of offs) off();
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadlineMs - Date.now()));
      signal.addEventListener('abort', done);
      for (const [i, w] of wanted.entries()) {
        if (w.log === undefined) continue;
        const from = Math.max(w.fetchOffset, seen[i] ?? -1);
        offs.push(
          w.log.onHighWatermark((hw) => {
            if (hw > from) done();
          }),
        );
      }
    });
  }

  return defineHandler({
    api: Fetch,
    versions: [4, 17],
    handle: async (req, rctx: RequestContext) => {
      const { apiVersion } = rctx;
      if (apiVersion >= 7 && req.sessionId !== 0) {
        return Fetch.createResponse({ errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0 });
      }
      const { names, wanted } = resolve(req, apiVersion);
      const readCommitted = req.isolationLevel === READ_COMMITTED;
      const maxBytes = req.maxBytes > 0 ? req.maxBytes : Number.MAX_SAFE_INTEGER;
      const deadline = Date.now() + Math.max(0, req.maxWaitMs);
      let result = await readAll(wanted, maxBytes, readCommitted);
      while (
        result.bytes < req.minBytes &&
        !result.failed &&
        Date.now() < deadline &&
        !rctx.signal.aborted &&
        wanted.length > 0
      ) {
        await waitForData(wanted, result.seen, deadline, rctx.signal);
        result = await readAll(wanted, maxBytes, readCommitted);
      }
      let i = 0;
      return Fetch.createResponse({
        errorCode: ErrorCode.NONE,
        sessionId: 0,
        responses: req.topics.map((t, topicIndex) => ({
          topic: apiVersion >= 13 ? '' : (names[topicIndex] ?? t.topic),
          topicId: apiVersion >= 13 ? t.topicId : ZERO_UUID,
          partitions: t.partitions.map(() => result.answers[i++]!),
        })),
      });
    },
    errorResponse: (req, errorCode) =>
      Fetch.createResponse({
        errorCode,
        responses: req.topics.map((t) => ({
          topic: t.topic,
          topicId: t.topicId,
          partitions: t.partitions.map((p) => partitionData(p.partition, errorCode)),
        })),
      }),
  });
}
