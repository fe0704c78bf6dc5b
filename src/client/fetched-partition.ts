import { ErrorCode } from '../protocol/error-codes.js';
import { isProtocolError } from '../protocol/errors.js';
import { BatchView, batches } from '../protocol/records/batch-view.js';
import { ControlRecordType, decodeControlRecordKey } from '../protocol/records/control-records.js';
import { forEachRecord } from '../protocol/records/decode-batch.js';
import type { Record as KafkaRecord } from '../protocol/records/record.js';
import type { RecordCursor } from '../protocol/records/record-cursor.js';
import { KafkaError } from './errors.js';

/** A record with the topic and partition it was read from. */
export interface ConsumerRecord extends KafkaRecord {
  topic: string;
  partition: number;
}

/** An aborted transaction as Fetch reports it (read_committed). */
export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
}

/**
 * The records one Fetch returned for one partition, still as the broker sent them: nothing is
 * decoded until asked. {@link forEach} visits records through one reused {@link RecordCursor}
 * (no allocation per record); iterating gives {@link ConsumerRecord} objects. Both skip what a
 * consumer must not see: records before the fetch offset (a batch can start earlier), control
 * batches, and — under read_committed — records of aborted transactions.
 *
 * @example
 * ```ts
 * for (const part of await consumer.poll()) {
 *   part.forEach((r) => {
 *     console.log(part.partition, r.offset, r.value?.toString());
 *   });
 * }
 * ```
 */
export class FetchedPartition {
  /** Offset of the first record the consumer asked for. */
  readonly fetchOffset: number;
  /** Where the consumer continues: after the last whole batch returned. */
  readonly nextOffset: number;

  constructor(
    readonly topic: string,
    readonly partition: number,
    fetchOffset: number,
    /** The record batches (possibly ending with a partial batch, which is ignored). */
    private readonly bytes: Buffer,
    readonly highWatermark: number,
    readonly lastStableOffset: number,
    readonly logStartOffset: number,
    /** Non-null under read_committed: the transactions aborted in this range. */
    private readonly aborted: readonly AbortedTxn[] | null,
  ) {
    this.fetchOffset = fetchOffset;
    let next = fetchOffset;
    for (const view of batches(bytes)) next = Math.max(next, view.lastOffsetNumber + 1);
    this.nextOffset = next;
  }

  /** Bytes of record batches received. */
  get sizeInBytes(): number {
    return this.bytes.length;
  }

  /**
   * Visits each visible record with a reused cursor (read what you need inside the callback:
   * the cursor moves on). Return `false` to stop early. Returns the number of records visited.
   */
  forEach(visit: (record: RecordCursor) => unknown): number {
    const min = this.fetchOffset;
    let count = 0;
    const state = { stopped: false };
    const inner = (r: RecordCursor): boolean => {
      if (r.offset < min) return true;
      count++;
      if (visit(r) === false) {
        state.stopped = true;
        return false;
      }
      return true;
    };
    const abortedBy = this.aborted === null ? null : new Set<number>();
    let nextAborted = 0;
    const aborted =
      this.aborted === null ? [] : [...this.aborted].sort((a, b) => a.firstOffset - b.firstOffset);
    for (const view of batches(this.bytes)) {
      if (view.lastOffsetNumber < min) continue;
      if (abortedBy !== null) {
        // Kafka's rule: an aborted transaction starts hiding its producer's batches at its first
        // offset and stops at the producer's ABORT marker.
        while (nextAborted < aborted.length && aborted[nextAborted]!.firstOffset <= view.lastOffsetNumber) {
          abortedBy.add(aborted[nextAborted]!.producerId);
          nextAborted++;
        }
        const pid = Number(view.producerId);
        if (view.isControl) {
          if (isAbortMarker(view)) abortedBy.delete(pid);
          continue;
        }
        if (view.isTransactional && abortedBy.has(pid)) continue;
      } else if (view.isControl) {
        continue;
      }
      try {
        forEachRecord(view, inner);
      } catch (err) {
        if (!isProtocolError(err)) throw err;
        throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, {
          api: 'Fetch',
          topic: this.topic,
          partition: this.partition,
          brokerMessage: `batch at offset ${view.baseOffsetNumber}: ${err.message}`,
        });
      }
      if (state.stopped) break;
    }
    return count;
  }

  /** Decodes every visible record (keys, values and header values are zero-copy slices). */
  toArray(): ConsumerRecord[] {
    const out: ConsumerRecord[] = [];
    const { topic, partition } = this;
    this.forEach((r) => {
      const rec = r.toRecord() as ConsumerRecord;
      rec.topic = topic;
      rec.partition = partition;
      out.push(rec);
    });
    return out;
  }

  [Symbol.iterator](): Iterator<ConsumerRecord> {
    return this.toArray()[Symbol.iterator]();
  }
}

function isAbortMarker(view: BatchView): boolean {
  let abort = false;
  forEachRecord(view, (r) => {
    abort = decodeControlRecordKey(r.key) === ControlRecordType.Abort;
    return false;
  });
  return abort;
}
