import { isProtocolError } from '../protocol/errors.js';
import { BatchView } from '../protocol/records/batch-view.js';
import { controlType, visitRecords } from './batch-records.js';
import type { LogConfig } from './config.js';
import type { ProducerBatch } from './producer-state.js';

/** Why an append's input was refused before anything was written. */
export interface InputProblem {
  readonly kind: 'invalid-record' | 'record-too-large' | 'invalid-timestamp';
  readonly message: string;
}

const NO_TIMESTAMP = -1;

function problem(kind: InputProblem['kind'], message: string): InputProblem {
  return { kind, message };
}

/**
 * Checks the structure of an append's input cheaply (headers only; the caller has checked
 * CRCs): whole v2 batches back to back, a known codec, a record count that matches the offset
 * delta, sane producer fields, the topic's size limit. Records are opened (and decompressed)
 * only where a topic config needs them, as Kafka does: keys on compacted topics, and every
 * record's timestamp when the topic sets `message.timestamp.before/after.max.ms`. Returns the
 * batch views or the problem; throws {@link CompressionNotReadyError} if a zstd batch must be
 * opened before zstd was loaded.
 */
export function validateAppendInput(
  buf: Buffer,
  config: LogConfig,
  now: number,
  stampAppendTime: boolean,
): BatchView[] | InputProblem {
  if (buf.length === 0) return problem('invalid-record', 'append of zero bytes');
  const views: BatchView[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let view: BatchView;
    try {
      view = BatchView.at(buf, pos);
    } catch (err) {
      if (isProtocolError(err)) return problem('invalid-record', `batch at byte ${pos}: ${err.message}`);
      throw err;
    }
    if (view.size > config.maxMessageBytes) {
      return problem(
        'record-too-large',
        `batch of ${view.size} bytes is larger than max.message.bytes ${config.maxMessageBytes}`,
      );
    }
    const bad = checkHeader(view) ?? (config.cleanupCompact ? checkKeys(view) : null);
    if (bad !== null) return problem('invalid-record', `batch at byte ${pos}: ${bad}`);
    views.push(view);
    pos += view.size;
  }
  if (views.length > 1 && views.some((v) => v.producerId >= 0n)) {
    return problem('invalid-record', 'an idempotent or transactional append must carry exactly one batch');
  }
  if (!stampAppendTime) {
    const bad = checkTimestamps(views, config, now);
    if (bad !== null) return problem('invalid-timestamp', bad);
  }
  return views;
}

function checkHeader(v: BatchView): string | null {
  if (v.compressionCode > 4) return `compression code ${v.compressionCode} is unknown`;
  const count = v.recordsCount;
  if (count <= 0) return `record count ${count} must be positive`;
  if (v.lastOffsetDelta !== count - 1) {
    return `record count ${count} does not match last offset delta ${v.lastOffsetDelta}`;
  }
  const producerId = v.producerId;
  if (producerId >= 0n) {
    if (producerId > BigInt(Number.MAX_SAFE_INTEGER)) return `producer id ${producerId} is out of range`;
    if (v.producerEpoch < 0) return `producer epoch ${v.producerEpoch} is negative`;
    if (!v.isControl && v.baseSequence < 0) return `base sequence ${v.baseSequence} is negative`;
  } else if (v.isTransactional) {
    return 'a transactional batch needs a producer id';
  }
  if (v.isControl) {
    if (!v.isTransactional) return 'a control batch must be transactional';
    if (count !== 1) return `a control batch holds one record, not ${count}`;
    if (v.compressionCode !== 0) return 'a control batch must not be compressed';
  }
  return null;
}

/**
 * Kafka refuses records without a key on a compacted topic (there is nothing to compact them
 * by), compressed or not.
 */
function checkKeys(v: BatchView): string | null {
  if (v.isControl) return null;
  let keyless = -1;
  try {
    visitRecords(v, (r) => {
      if (r.keyLength >= 0) return true;
      keyless = r.offset - v.baseOffsetNumber;
      return false;
    });
  } catch (err) {
    if (isProtocolError(err)) return `malformed record: ${err.message}`;
    throw err;
  }
  return keyless < 0
    ? null
    : `compacted topic cannot accept a record without a key (offset delta ${keyless})`;
}

function checkTimestamps(views: readonly BatchView[], config: LogConfig, now: number): string | null {
  const before = config.messageTimestampBeforeMaxMs;
  const after = config.messageTimestampAfterMaxMs;
  if (before >= Number.MAX_SAFE_INTEGER && after >= Number.MAX_SAFE_INTEGER) return null;
  const check = (ts: number): string | null => {
    if (ts === NO_TIMESTAMP) return null;
    if (now - ts > before) {
      return `timestamp ${ts} is more than message.timestamp.before.max.ms ${before} behind ${now}`;
    }
    if (ts - now > after)
      return `timestamp ${ts} is more than message.timestamp.after.max.ms ${after} ahead of ${now}`;
    return null;
  };
  for (const v of views) {
    if (v.isControl) continue;
    const found: { bad: string | null } = { bad: null };
    try {
      visitRecords(v, (r) => {
        found.bad = check(r.timestamp);
        return found.bad === null;
      });
    } catch (err) {
      if (isProtocolError(err)) return `malformed record: ${err.message}`;
      throw err;
    }
    if (found.bad !== null) return found.bad;
  }
  return null;
}

/** The producer fields of a batch that gets (or got) offsets from `firstOffset`. */
export function producerBatchOf(v: BatchView, firstOffset = v.baseOffsetNumber): ProducerBatch {
  return {
    producerId: Number(v.producerId),
    epoch: v.producerEpoch,
    baseSequence: v.baseSequence,
    lastOffsetDelta: v.lastOffsetDelta,
    firstOffset,
    lastOffset: firstOffset + v.lastOffsetDelta,
    maxTimestamp: v.maxTimestampNumber,
    transactional: v.isTransactional,
    controlType: v.isControl ? controlType(v) : -1,
  };
}
