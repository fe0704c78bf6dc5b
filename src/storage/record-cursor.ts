import { ProtocolError } from '../protocol/errors.js';
import { Reader } from '../protocol/primitives/reader.js';
import { BATCH, type BatchView } from '../protocol/records/batch-view.js';

/**
 * Walks the records of an UNCOMPRESSED batch without allocating per record: compaction needs
 * keys, timestamp lookups need per-record timestamps, transaction markers need the control
 * type. Storage otherwise never looks inside a batch.
 *
 * TODO: switch to the shared record decoder (src/protocol/records/records.ts) once it lands,
 * which also decompresses; until then compressed batches are treated as opaque (see the
 * format notes in index.ts for what that means for compaction and timestamp lookup).
 */
export class RecordCursor {
  private readonly reader: Reader;
  private readonly baseOffset: number;
  private readonly baseTimestamp: number;
  /** LogAppendTime batches carry one timestamp for every record: the batch's max timestamp. */
  private readonly appendTime: number | undefined;
  private remaining: number;

  /** Start of the record's length prefix. */
  prefixStart = 0;
  /** Start of the record body (after the length prefix). */
  recordStart = 0;
  recordEnd = 0;
  offset = 0;
  timestamp = 0;
  /** Start of the key in the batch buffer; meaningless when keyLength is -1 (null key). */
  keyStart = 0;
  keyLength = -1;
  valueStart = 0;
  valueLength = -1;

  constructor(batch: BatchView) {
    if (batch.compressionCode !== 0) {
      throw new ProtocolError('invalid-value', 'record cursor: the batch is compressed');
    }
    this.reader = new Reader(batch.buf, batch.start + BATCH.HEADER_SIZE, batch.start + batch.size);
    this.baseOffset = batch.baseOffsetNumber;
    this.baseTimestamp = Number(batch.baseTimestamp);
    this.appendTime = batch.logAppendTime ? batch.maxTimestampNumber : undefined;
    this.remaining = batch.recordsCount;
  }

  /** The batch buffer the positions refer to. */
  get buf(): Buffer {
    return this.reader.buf;
  }

  /** Moves to the next record; false after the last. Throws ProtocolError on malformed bytes. */
  next(): boolean {
    const r = this.reader;
    if (this.remaining <= 0) return false;
    this.remaining--;
    this.prefixStart = r.offset;
    const length = r.varint();
    if (length < 0 || length > r.remaining) {
      throw new ProtocolError('invalid-length', `record length ${length} with ${r.remaining} bytes left`);
    }
    this.recordStart = r.offset;
    this.recordEnd = r.offset + length;
    const body = new Reader(r.buf, r.offset, this.recordEnd);
    body.int8();
    const timestampDelta = body.varlongNumber();
    this.timestamp = this.appendTime ?? this.baseTimestamp + timestampDelta;
    this.offset = this.baseOffset + body.varint();
    this.keyLength = body.varint();
    this.keyStart = body.offset;
    if (this.keyLength > 0) body.raw(this.keyLength);
    this.valueLength = body.varint();
    this.valueStart = body.offset;
    if (this.valueLength > 0) body.raw(this.valueLength);
    r.offset = this.recordEnd;
    return true;
  }

  /** The current record's key as a view (null for a null key). */
  key(): Buffer | null {
    return this.keyLength < 0
      ? null
      : this.reader.buf.subarray(this.keyStart, this.keyStart + this.keyLength);
  }

  /** The current record's whole bytes, without its length prefix. */
  recordBytes(): Buffer {
    return this.reader.buf.subarray(this.recordStart, this.recordEnd);
  }
}

/** Control record types (the key's second int16). */
export const ControlType = { Abort: 0, Commit: 1 } as const;

/** The type of a control batch's marker: 0 abort, 1 commit, or -1 when unreadable. */
export function controlType(batch: BatchView): number {
  try {
    const cursor = new RecordCursor(batch);
    if (!cursor.next() || cursor.keyLength < 4) return -1;
    return batch.buf.readInt16BE(cursor.keyStart + 2);
  } catch {
    return -1;
  }
}
