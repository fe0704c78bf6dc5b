import { ProtocolError } from '../errors.js';
import { crc32c } from './crc32c.js';

/**
 * Byte layout of a record batch, magic v2 (Kafka's docs/implementation.html):
 *
 * ```
 * offset  size  field
 *  0       8    baseOffset
 *  8       4    batchLength          bytes after this field
 * 12       4    partitionLeaderEpoch
 * 16       1    magic                2
 * 17       4    crc                  CRC-32C of bytes 21 .. end
 * 21       2    attributes           bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control
 * 23       4    lastOffsetDelta
 * 27       8    baseTimestamp
 * 35       8    maxTimestamp
 * 43       8    producerId
 * 51       2    producerEpoch
 * 53       4    baseSequence
 * 57       4    recordsCount
 * 61       …    records (compressed as a whole when compression ≠ 0)
 * ```
 */
export const BATCH = {
  BASE_OFFSET: 0,
  BATCH_LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORDS_COUNT: 57,
  HEADER_SIZE: 61,
  /** Bytes before `batchLength` counts: baseOffset + batchLength itself. */
  LOG_OVERHEAD: 12,
} as const;

/** Compression codecs, as attribute bits 0-2. */
export const CompressionType = {
  None: 0,
  Gzip: 1,
  Snappy: 2,
  Lz4: 3,
  Zstd: 4,
} as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

export const ATTR_COMPRESSION_MASK = 0x07;
export const ATTR_TIMESTAMP_TYPE = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;

/** Total size in bytes of the batch starting at `offset`, or -1 if its size field is incomplete. */
export function batchSizeAt(buf: Buffer, offset: number): number {
  if (buf.length - offset < BATCH.LOG_OVERHEAD) return -1;
  return BATCH.LOG_OVERHEAD + buf.readInt32BE(offset + BATCH.BATCH_LENGTH);
}

/**
 * A zero-copy view of one record batch's header. Reads fields straight from the bytes without
 * decoding records; `setBaseOffset` patches the offset in place (the CRC does not cover it).
 * Construct it with {@link BatchView.at}, which checks that the whole batch is present.
 */
export class BatchView {
  readonly buf: Buffer;
  /** Offset of the batch in `buf`. */
  readonly start: number;
  /** Total size of the batch in bytes, including baseOffset and batchLength. */
  readonly size: number;

  private constructor(buf: Buffer, start: number, size: number) {
    this.buf = buf;
    this.start = start;
    this.size = size;
  }

  /**
   * The batch starting at `offset` in `buf`. Checks the length prefix, the magic byte and that
   * the batch fits in the buffer; the CRC is checked separately ({@link BatchView.crcValid}).
   */
  static at(buf: Buffer, offset = 0): BatchView {
    const left = buf.length - offset;
    if (left < BATCH.HEADER_SIZE) {
      throw new ProtocolError(
        'truncated',
        `record batch: ${left} bytes is less than the ${BATCH.HEADER_SIZE}-byte header`,
      );
    }
    const batchLength = buf.readInt32BE(offset + BATCH.BATCH_LENGTH);
    const size = BATCH.LOG_OVERHEAD + batchLength;
    if (size < BATCH.HEADER_SIZE) {
      throw new ProtocolError('invalid-length', `record batch: batchLength ${batchLength} is too small`);
    }
    if (size > left) {
      throw new ProtocolError('truncated', `record batch: ${size} bytes declared, ${left} present`);
    }
    const magic = buf.readInt8(offset + BATCH.MAGIC);
    if (magic !== 2) {
      throw new ProtocolError('invalid-value', `record batch: magic ${magic} is not supported (only 2)`);
    }
    return new BatchView(buf, offset, size);
  }

  /** The batch's bytes (a view). */
  get bytes(): Buffer {
    return this.buf.subarray(this.start, this.start + this.size);
  }

  get baseOffset(): bigint {
    return this.buf.readBigInt64BE(this.start + BATCH.BASE_OFFSET);
  }

  /** Base offset as a number (our storage uses numbers; offsets stay below 2^53). */
  get baseOffsetNumber(): number {
    return Number(this.buf.readBigInt64BE(this.start + BATCH.BASE_OFFSET));
  }

  /** Patches the base offset in place. The CRC covers bytes from `attributes` on, so stays valid. */
  setBaseOffset(offset: number | bigint): void {
    this.buf.writeBigInt64BE(BigInt(offset), this.start + BATCH.BASE_OFFSET);
  }

  get batchLength(): number {
    return this.buf.readInt32BE(this.start + BATCH.BATCH_LENGTH);
  }

  get partitionLeaderEpoch(): number {
    return this.buf.readInt32BE(this.start + BATCH.PARTITION_LEADER_EPOCH);
  }

  setPartitionLeaderEpoch(epoch: number): void {
    this.buf.writeInt32BE(epoch, this.start + BATCH.PARTITION_LEADER_EPOCH);
  }

  get magic(): number {
    return this.buf.readInt8(this.start + BATCH.MAGIC);
  }

  get crc(): number {
    return this.buf.readUInt32BE(this.start + BATCH.CRC);
  }

  get attributes(): number {
    return this.buf.readInt16BE(this.start + BATCH.ATTRIBUTES);
  }

  /** Attribute bits 0-2: a {@link CompressionType}, or 5-7 which no codec uses (invalid). */
  get compressionCode(): number {
    return this.attributes & ATTR_COMPRESSION_MASK;
  }

  /** True when timestamps are log-append time (attribute bit 3). */
  get logAppendTime(): boolean {
    return (this.attributes & ATTR_TIMESTAMP_TYPE) !== 0;
  }

  get isTransactional(): boolean {
    return (this.attributes & ATTR_TRANSACTIONAL) !== 0;
  }

  get isControl(): boolean {
    return (this.attributes & ATTR_CONTROL) !== 0;
  }

  get lastOffsetDelta(): number {
    return this.buf.readInt32BE(this.start + BATCH.LAST_OFFSET_DELTA);
  }

  /** Offset of the last record: baseOffset + lastOffsetDelta. */
  get lastOffsetNumber(): number {
    return this.baseOffsetNumber + this.lastOffsetDelta;
  }

  get baseTimestamp(): bigint {
    return this.buf.readBigInt64BE(this.start + BATCH.BASE_TIMESTAMP);
  }

  get maxTimestamp(): bigint {
    return this.buf.readBigInt64BE(this.start + BATCH.MAX_TIMESTAMP);
  }

  get maxTimestampNumber(): number {
    return Number(this.buf.readBigInt64BE(this.start + BATCH.MAX_TIMESTAMP));
  }

  get producerId(): bigint {
    return this.buf.readBigInt64BE(this.start + BATCH.PRODUCER_ID);
  }

  get producerEpoch(): number {
    return this.buf.readInt16BE(this.start + BATCH.PRODUCER_EPOCH);
  }

  get baseSequence(): number {
    return this.buf.readInt32BE(this.start + BATCH.BASE_SEQUENCE);
  }

  get recordsCount(): number {
    return this.buf.readInt32BE(this.start + BATCH.RECORDS_COUNT);
  }

  /** CRC-32C of the bytes from `attributes` to the end of the batch. */
  computeCrc(): number {
    return crc32c(this.buf.subarray(this.start + BATCH.ATTRIBUTES, this.start + this.size));
  }

  crcValid(): boolean {
    return this.computeCrc() === this.crc;
  }

  /** Sets log-append time: the timestamp type bit and max timestamp (the CRC is recomputed). */
  setLogAppendTime(timestamp: number): void {
    const attrs = this.attributes | ATTR_TIMESTAMP_TYPE;
    this.buf.writeInt16BE(attrs, this.start + BATCH.ATTRIBUTES);
    this.buf.writeBigInt64BE(BigInt(timestamp), this.start + BATCH.MAX_TIMESTAMP);
    this.buf.writeUInt32BE(this.computeCrc(), this.start + BATCH.CRC);
  }
}

/**
 * Iterates over the whole batches in `buf` (as stored in a segment or carried in a Produce
 * request). Stops at the first incomplete batch; a malformed header throws {@link ProtocolError}.
 */
export function* batches(buf: Buffer, offset = 0, end = buf.length): Generator<BatchView> {
  const bounded = end === buf.length ? buf : buf.subarray(0, end);
  while (bounded.length - offset >= BATCH.LOG_OVERHEAD) {
    const size = batchSizeAt(bounded, offset);
    if (size > bounded.length - offset) return;
    const view = BatchView.at(bounded, offset);
    yield view;
    offset += view.size;
  }
}
