/**
 * Per-partition state of idempotent and transactional producers, as Kafka's
 * ProducerStateManager keeps it: for each producer id its epoch and the sequence numbers and
 * offsets of its last 5 batches (enough to answer a retry of any of the batches a producer may
 * have in flight), plus the first offset of an open transaction (for the last stable offset).
 *
 * Rules (Kafka ≥ 2.5, KIP-360):
 * - epoch below the producer's current one → invalid-producer-epoch (the producer was fenced);
 * - same epoch, same first and last sequence as one of the last 5 batches → duplicate, answered
 *   with that batch's offsets and not appended again;
 * - a higher epoch must start at sequence 0 (unless the producer is unknown);
 * - same epoch: the first sequence must follow the last one (wrapping at 2^31-1) →
 *   otherwise out-of-order-sequence;
 * - an unknown producer (never seen, expired, or state lost) is accepted at any sequence.
 *   (Kafka before 2.5 answered UNKNOWN_PRODUCER_ID there; modern clients no longer need it.)
 *
 * Updates go through {@link ProducerStateManager.begin}/`commit`/`rollback` so that the batches
 * of a write that then fails leave no trace.
 */
import { crc32c } from '../protocol/records/crc32c.js';

export const MAX_BATCHES_PER_PRODUCER = 5;
const INT32_MAX = 0x7fffffff;

export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly timestamp: number;
}

export interface ProducerEntry {
  readonly producerId: number;
  epoch: number;
  /** The last (up to) 5 batches, oldest first. */
  batches: BatchMetadata[];
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction, or -1. */
  currentTxnFirstOffset: number;
  /** Max timestamp of its last batch; drives expiry (`producer.id.expiration.ms`). */
  lastTimestamp: number;
}

/** The producer fields of one batch, read from its header (see BatchView). */
export interface ProducerBatch {
  readonly producerId: number;
  readonly epoch: number;
  readonly baseSequence: number;
  readonly lastOffsetDelta: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
  readonly transactional: boolean;
  /** For control batches: 0 abort, 1 commit; -1 for data batches. */
  readonly controlType: number;
}

export type ProducerCheck =
  | { readonly kind: 'ok' }
  | { readonly kind: 'duplicate'; readonly firstOffset: number; readonly lastOffset: number }
  | { readonly kind: 'out-of-order-sequence'; readonly message: string }
  | { readonly kind: 'invalid-producer-epoch'; readonly message: string };

/** A transaction ended by a marker; aborted ones go to the .txnindex. */
export interface CompletedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly aborted: boolean;
}

/** The sequence of the last record of a batch: Kafka wraps sequences at 2^31-1 back to 0. */
export function lastSequence(baseSequence: number, lastOffsetDelta: number): number {
  if (baseSequence > INT32_MAX - lastOffsetDelta) return lastOffsetDelta - (INT32_MAX - baseSequence) - 1;
  return baseSequence + lastOffsetDelta;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

function cloneEntry(e: ProducerEntry): ProducerEntry {
  return { ...e, batches: e.batches.slice() };
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();
  /** producerId → first offset of its open transaction, in offset order (insertion order). */
  private readonly ongoing = new Map<number, number>();
  /** Updates since {@link begin}; created on the first one (most write groups have none). */
  private pending: Map<number, ProducerEntry> | undefined;
  private inGroup = false;

  get size(): number {
    return this.producers.size;
  }

  entry(producerId: number): ProducerEntry | undefined {
    return this.pending?.get(producerId) ?? this.producers.get(producerId);
  }

  entries(): IterableIterator<ProducerEntry> {
    return this.producers.values();
  }

  /** First offset of the oldest open transaction, or -1: the last stable offset cannot pass it. */
  get firstUnstableOffset(): number {
    for (const first of this.ongoing.values()) return first;
    return -1;
  }

  /** Validates a batch of an idempotent or transactional producer against the current state. */
  check(b: ProducerBatch): ProducerCheck {
    const entry = this.entry(b.producerId);
    if (b.controlType >= 0) {
      if (entry !== undefined && b.epoch < entry.epoch) {
        return {
          kind: 'invalid-producer-epoch',
          message: `transaction marker epoch ${b.epoch} is older than producer ${b.producerId}'s epoch ${entry.epoch}`,
        };
      }
      return { kind: 'ok' };
    }
    if (entry === undefined) return { kind: 'ok' };
    if (b.epoch < entry.epoch) {
      return {
        kind: 'invalid-producer-epoch',
        message: `producer ${b.producerId}: epoch ${b.epoch} is older than the current ${entry.epoch}`,
      };
    }
    const lastSeq = lastSequence(b.baseSequence, b.lastOffsetDelta);
    if (b.epoch === entry.epoch) {
      for (const m of entry.batches) {
        if (m.firstSeq === b.baseSequence && m.lastSeq === lastSeq) {
          return { kind: 'duplicate', firstOffset: m.firstOffset, lastOffset: m.lastOffset };
        }
      }
      const last = entry.batches[entry.batches.length - 1];
      // No batch metadata (e.g. only markers seen) means nothing to order against.
      if (last !== undefined && !inSequence(last.lastSeq, b.baseSequence)) {
        return {
          kind: 'out-of-order-sequence',
          message: `producer ${b.producerId} epoch ${b.epoch}: sequence ${b.baseSequence} does not follow ${last.lastSeq}`,
        };
      }
      return { kind: 'ok' };
    }
    if (b.baseSequence !== 0) {
      return {
        kind: 'out-of-order-sequence',
        message: `producer ${b.producerId}: new epoch ${b.epoch} must start at sequence 0, not ${b.baseSequence}`,
      };
    }
    return { kind: 'ok' };
  }

  /** Starts a group of updates that `commit` keeps or `rollback` discards. */
  begin(): void {
    this.inGroup = true;
    this.pending = undefined;
  }

  commit(): void {
    const pending = this.pending;
    this.pending = undefined;
    this.inGroup = false;
    if (pending === undefined) return;
    for (const [id, e] of pending) {
      this.producers.set(id, e);
      if (e.currentTxnFirstOffset >= 0) {
        if (!this.ongoing.has(id)) this.ongoing.set(id, e.currentTxnFirstOffset);
      } else {
        this.ongoing.delete(id);
      }
    }
  }

  rollback(): void {
    this.pending = undefined;
    this.inGroup = false;
  }

  /**
   * Records a batch that passed {@link check} (or is being replayed from the log). Returns the
   * transaction a marker ended, if any. Outside begin/commit the update applies at once.
   */
  apply(b: ProducerBatch): CompletedTxn | undefined {
    const current = this.entry(b.producerId);
    const e: ProducerEntry =
      current === undefined
        ? {
            producerId: b.producerId,
            epoch: b.epoch,
            batches: [],
            coordinatorEpoch: -1,
            currentTxnFirstOffset: -1,
            lastTimestamp: b.maxTimestamp,
          }
        : cloneEntry(current);
    if (b.epoch > e.epoch) {
      e.epoch = b.epoch;
      e.batches = [];
    }
    e.lastTimestamp = b.maxTimestamp;
    let completed: CompletedTxn | undefined;
    if (b.controlType >= 0) {
      if (e.currentTxnFirstOffset >= 0) {
        completed = {
          producerId: b.producerId,
          firstOffset: e.currentTxnFirstOffset,
          lastOffset: b.lastOffset,
          aborted: b.controlType === 0,
        };
      }
      e.currentTxnFirstOffset = -1;
    } else {
      if (b.transactional && e.currentTxnFirstOffset < 0) e.currentTxnFirstOffset = b.firstOffset;
      e.batches.push({
        firstSeq: b.baseSequence,
        lastSeq: lastSequence(b.baseSequence, b.lastOffsetDelta),
        firstOffset: b.firstOffset,
        lastOffset: b.lastOffset,
        timestamp: b.maxTimestamp,
      });
      if (e.batches.length > MAX_BATCHES_PER_PRODUCER) e.batches.shift();
    }
    if (this.inGroup) {
      (this.pending ??= new Map()).set(b.producerId, e);
    } else {
      this.producers.set(b.producerId, e);
      if (e.currentTxnFirstOffset >= 0) {
        if (!this.ongoing.has(b.producerId)) this.ongoing.set(b.producerId, e.currentTxnFirstOffset);
      } else {
        this.ongoing.delete(b.producerId);
      }
    }
    return completed;
  }

  /** Forgets producers idle since before `cutoff` (ms) without an open transaction. */
  expire(cutoff: number): number {
    let removed = 0;
    for (const [id, e] of this.producers) {
      if (e.currentTxnFirstOffset < 0 && e.lastTimestamp < cutoff) {
        this.producers.delete(id);
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.producers.clear();
    this.ongoing.clear();
    this.pending = undefined;
    this.inGroup = false;
  }

  /**
   * Snapshot file body (`<offset>.snapshot`): int16 version 1, uint32 CRC-32C of the rest, int64
   * offset, int32 count, then per producer: int64 id, int16 epoch, int32 coordinatorEpoch, int64
   * currentTxnFirstOffset, int64 lastTimestamp, int8 n, n × (int32 firstSeq, int32 lastSeq,
   * int64 firstOffset, int64 lastOffset, int64 timestamp). Unlike Kafka's (which keeps only
   * the last batch), all 5 batches are kept so duplicates are still caught after a restart.
   */
  serialize(offset: number): Buffer {
    let size = 2 + 4 + 8 + 4;
    for (const e of this.producers.values()) size += 8 + 2 + 4 + 8 + 8 + 1 + e.batches.length * 32;
    const buf = Buffer.allocUnsafe(size);
    buf.writeInt16BE(1, 0);
    buf.writeBigInt64BE(BigInt(offset), 6);
    buf.writeInt32BE(this.producers.size, 14);
    let p = 18;
    for (const e of this.producers.values()) {
      buf.writeBigInt64BE(BigInt(e.producerId), p);
      buf.writeInt16BE(e.epoch, p + 8);
      buf.writeInt32BE(e.coordinatorEpoch, p + 10);
      buf.writeBigInt64BE(BigInt(e.currentTxnFirstOffset), p + 14);
      buf.writeBigInt64BE(BigInt(e.lastTimestamp), p + 22);
      buf.writeInt8(e.batches.length, p + 30);
      p += 31;
      for (const m of e.batches) {
        buf.writeInt32BE(m.firstSeq, p);
        buf.writeInt32BE(m.lastSeq, p + 4);
        buf.writeBigInt64BE(BigInt(m.firstOffset), p + 8);
        buf.writeBigInt64BE(BigInt(m.lastOffset), p + 16);
        buf.writeBigInt64BE(BigInt(m.timestamp), p + 24);
        p += 32;
      }
    }
    buf.writeUInt32BE(crc32c(buf.subarray(6)), 2);
    return buf;
  }

  /** Replaces the state with a snapshot's; returns an error message when the bytes are bad. */
  load(buf: Buffer, expectedOffset: number): string | null {
    try {
      if (buf.length < 18) return 'snapshot is shorter than its header';
      if (buf.readInt16BE(0) !== 1) return `snapshot version ${buf.readInt16BE(0)} is unknown`;
      if (buf.readUInt32BE(2) !== crc32c(buf.subarray(6))) return 'snapshot CRC mismatch';
      const offset = Number(buf.readBigInt64BE(6));
      if (offset !== expectedOffset) return `snapshot says offset ${offset}, file name ${expectedOffset}`;
      const count = buf.readInt32BE(14);
      this.clear();
      let p = 18;
      for (let i = 0; i < count; i++) {
        const producerId = Number(buf.readBigInt64BE(p));
        const e: ProducerEntry = {
          producerId,
          epoch: buf.readInt16BE(p + 8),
          coordinatorEpoch: buf.readInt32BE(p + 10),
          currentTxnFirstOffset: Number(buf.readBigInt64BE(p + 14)),
          lastTimestamp: Number(buf.readBigInt64BE(p + 22)),
          batches: [],
        };
        const n = buf.readInt8(p + 30);
        p += 31;
        for (let j = 0; j < n; j++) {
          e.batches.push({
            firstSeq: buf.readInt32BE(p),
            lastSeq: buf.readInt32BE(p + 4),
            firstOffset: Number(buf.readBigInt64BE(p + 8)),
            lastOffset: Number(buf.readBigInt64BE(p + 16)),
            timestamp: Number(buf.readBigInt64BE(p + 24)),
          });
          p += 32;
        }
        this.producers.set(producerId, e);
      }
      const open = [...this.producers.values()]
        .filter((e) => e.currentTxnFirstOffset >= 0)
        .sort((a, b) => a.currentTxnFirstOffset - b.currentTxnFirstOffset);
      for (const e of open) this.ongoing.set(e.producerId, e.currentTxnFirstOffset);
      return p === buf.length ? null : 'snapshot has trailing bytes';
    } catch (err) {
      this.clear();
      return `snapshot is malformed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
}
