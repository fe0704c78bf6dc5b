import type { RecordInput } from '../protocol/records/record.js';
import type { SendResult } from './producer-types.js';

/** The record batch header (61 bytes) every batch pays once. */
export const BATCH_OVERHEAD = 61;

/** One `send()` call: resolves when every batch holding its records has been acknowledged. */
export class Delivery {
  /** Segments not yet acknowledged. */
  remaining = 0;
  settled = false;
  readonly results: SendResult[] = [];

  constructor(
    private readonly onResolve: (results: SendResult[]) => void,
    private readonly onReject: (err: Error) => void,
  ) {}

  segmentDone(): void {
    if (--this.remaining === 0 && !this.settled) {
      this.settled = true;
      this.onResolve(this.results);
    }
  }

  fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.onReject(err);
  }
}

/** The records one `send()` call put into one batch: a contiguous range of the batch. */
export class Segment {
  count = 1;

  constructor(
    readonly delivery: Delivery,
    /** Index of the first record in the batch. */
    readonly first: number,
    /** Index of this segment's entry in `delivery.results`. */
    readonly resultIndex: number,
  ) {}
}

/**
 * Records for one partition on their way to the broker. Open while records are added; sealed
 * when full or taken for sending. It keeps its records (not only the encoded bytes) so that a
 * retry under a new producer id can be re-encoded with new sequence numbers.
 */
export class ProducerBatch {
  readonly records: RecordInput[] = [];
  readonly segments: Segment[] = [];
  /** Estimated uncompressed size, for batch limits and the producer's buffer accounting. */
  bytes = BATCH_OVERHEAD;
  sealed = false;
  attempts = 0;
  /** The idempotence fields the batch was encoded with. */
  producerId = -1;
  producerEpoch = -1;
  baseSequence = -1;
  encoded: Buffer | null = null;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** Creation order across the producer: retries are re-queued in this order. */
    readonly id: number,
    readonly createdAt: number,
  ) {}

  add(record: RecordInput, size: number, delivery: Delivery): void {
    const index = this.records.length;
    this.records.push(record);
    this.bytes += size;
    const last = this.segments.length === 0 ? undefined : this.segments[this.segments.length - 1]!;
    if (last !== undefined && last.delivery === delivery) {
      last.count++;
      return;
    }
    delivery.remaining++;
    const resultIndex =
      delivery.results.push({
        topic: this.topic,
        partition: this.partition,
        baseOffset: -1,
        count: 0,
        logAppendTime: -1,
      }) - 1;
    this.segments.push(new Segment(delivery, index, resultIndex));
  }

  /** Acknowledged at `baseOffset`: fills in each segment's result. */
  complete(baseOffset: number, logAppendTime: number): void {
    for (const s of this.segments) {
      const r = s.delivery.results[s.resultIndex]!;
      r.baseOffset = baseOffset < 0 ? -1 : baseOffset + s.first;
      r.count = s.count;
      r.logAppendTime = logAppendTime;
      s.delivery.segmentDone();
    }
  }

  fail(err: Error): void {
    for (const s of this.segments) s.delivery.fail(err);
  }
}

/** Per-partition producer state: queued batches, requests in flight, the next sequence number. */
export class PartitionQueue {
  /** Batches waiting to be sent, oldest first; the last one may still be open. */
  batches: ProducerBatch[] = [];
  inFlight = 0;
  nextSequence = 0;
  /** Batches to resend once every in-flight request has settled (null: no retry round open). */
  retrying: ProducerBatch[] | null = null;
  /** Not before this time (backoff after a retry round). */
  notBefore = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** The batch records are being added to, if any. */
  get open(): ProducerBatch | undefined {
    const last = this.batches.length === 0 ? undefined : this.batches[this.batches.length - 1]!;
    return last !== undefined && !last.sealed ? last : undefined;
  }
}

const INT32_MAX = 0x7fffffff;

/** Kafka's sequence arithmetic: sequences wrap from 2^31-1 to 0. */
export function addSequence(sequence: number, increment: number): number {
  return sequence > INT32_MAX - increment ? increment - (INT32_MAX - sequence) - 1 : sequence + increment;
}
