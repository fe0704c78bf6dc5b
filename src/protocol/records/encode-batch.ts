import { ProtocolError } from '../errors.js';
import {
  ATTR_CONTROL,
  ATTR_TIMESTAMP_TYPE,
  ATTR_TRANSACTIONAL,
  BATCH,
  CompressionType,
} from './batch-view.js';
import { compress } from './compression.js';
import { crc32c } from './crc32c.js';
import { TimestampType } from './decode-batch.js';
import { checkRecordDeltas, recordBodySize, recordSize, writeRecord, type RecordInput } from './record.js';
import { checkInt32 } from './varint.js';

/** What {@link encodeRecordBatch} needs; everything but `records` has Kafka's default. */
export interface EncodeRecordBatchOptions {
  records: readonly RecordInput[];
  /** Default 0 (a producer's batch; the broker assigns the real offset). */
  baseOffset?: number;
  /** Default -1 (set by the broker's leader). */
  partitionLeaderEpoch?: number;
  /** Default {@link CompressionType.None}. */
  compression?: CompressionType;
  /** gzip 1-9, zstd level; see {@link compress}. */
  compressionLevel?: number;
  /** Default {@link TimestampType.CreateTime}. */
  timestampType?: TimestampType;
  transactional?: boolean;
  control?: boolean;
  /** Default -1 (not idempotent). */
  producerId?: number;
  /** Default -1. */
  producerEpoch?: number;
  /** Default -1. */
  baseSequence?: number;
  /** Default: the first record's timestamp (as Kafka and librdkafka do), -1 when empty. */
  baseTimestamp?: number;
  /** Default: the largest record timestamp, -1 when empty. Set it for log-append time. */
  maxTimestamp?: number;
  /**
   * Default: the last record's offset delta (0 when empty). Compaction keeps a batch's original
   * value when it drops the last records, so a larger value is allowed.
   */
  lastOffsetDelta?: number;
}

/** Body sizes from the sizing pass, reused across calls so a batch allocates no array. */
let bodySizes = new Int32Array(1024);

/**
 * Encodes a complete magic-v2 record batch with a correct CRC-32C. Uncompressed batches are
 * written straight into one buffer of the exact size; compressed ones write the records once,
 * compress them, then add the header. Zstd needs {@link initCompression} first. Values that
 * cannot be encoded (a delta out of range, decreasing offsets) throw {@link ProtocolError}.
 *
 * @example
 * const bytes = encodeRecordBatch({
 *   compression: CompressionType.Lz4,
 *   records: [{ timestamp: Date.now(), key: null, value: Buffer.from('hello') }],
 * });
 */
export function encodeRecordBatch(opts: EncodeRecordBatchOptions): Buffer {
  const records = opts.records;
  const n = records.length;
  const baseOffset = opts.baseOffset ?? 0;
  checkSafe(baseOffset, 'baseOffset');
  const first = records[0];
  const baseTimestamp = opts.baseTimestamp ?? (first === undefined ? -1 : first.timestamp);
  checkSafe(baseTimestamp, 'baseTimestamp');

  if (bodySizes.length < n) bodySizes = new Int32Array(Math.max(n, bodySizes.length * 2));
  let total = 0;
  let maxTimestamp = -1;
  let lastDelta = -1;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const offsetDelta = r.offset === undefined ? i : r.offset - baseOffset;
    const timestampDelta = r.timestamp - baseTimestamp;
    checkRecordDeltas(timestampDelta, offsetDelta);
    if (offsetDelta <= lastDelta) {
      throw new ProtocolError(
        'invalid-value',
        `record ${i}: offset delta ${offsetDelta} does not follow the previous ${lastDelta}`,
      );
    }
    lastDelta = offsetDelta;
    if (i === 0 || r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    const body = recordBodySize(r, timestampDelta, offsetDelta);
    bodySizes[i] = body;
    total += recordSize(body);
  }

  const lastOffsetDelta = opts.lastOffsetDelta ?? Math.max(lastDelta, 0);
  checkInt32(lastOffsetDelta, 'lastOffsetDelta');
  if (lastOffsetDelta < lastDelta) {
    throw new ProtocolError(
      'invalid-value',
      `lastOffsetDelta ${lastOffsetDelta} is below the last record's ${lastDelta}`,
    );
  }
  maxTimestamp = opts.maxTimestamp ?? maxTimestamp;
  checkSafe(maxTimestamp, 'maxTimestamp');

  const compression = opts.compression ?? CompressionType.None;
  let out: Buffer;
  if (compression === CompressionType.None) {
    out = allocBatch(total);
    writeRecords(out, BATCH.HEADER_SIZE, records, baseOffset, baseTimestamp);
  } else {
    const plain = Buffer.allocUnsafe(total);
    writeRecords(plain, 0, records, baseOffset, baseTimestamp);
    const packed = compress(compression, plain, opts.compressionLevel);
    out = allocBatch(packed.length);
    packed.copy(out, BATCH.HEADER_SIZE);
  }

  let attributes = compression;
  if (opts.timestampType === TimestampType.LogAppendTime) attributes |= ATTR_TIMESTAMP_TYPE;
  if (opts.transactional === true) attributes |= ATTR_TRANSACTIONAL;
  if (opts.control === true) attributes |= ATTR_CONTROL;
  writeHeader(out, {
    baseOffset,
    partitionLeaderEpoch: opts.partitionLeaderEpoch ?? -1,
    attributes,
    lastOffsetDelta,
    baseTimestamp,
    maxTimestamp,
    producerId: opts.producerId ?? -1,
    producerEpoch: opts.producerEpoch ?? -1,
    baseSequence: opts.baseSequence ?? -1,
    recordsCount: n,
  });
  return out;
}

function allocBatch(recordsSize: number): Buffer {
  const size = BATCH.HEADER_SIZE + recordsSize;
  if (size - BATCH.LOG_OVERHEAD > 0x7fffffff) {
    throw new ProtocolError('invalid-length', `record batch of ${size} bytes exceeds the int32 batchLength`);
  }
  return Buffer.allocUnsafe(size);
}

function writeRecords(
  buf: Buffer,
  pos: number,
  records: readonly RecordInput[],
  baseOffset: number,
  baseTimestamp: number,
): void {
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const offsetDelta = r.offset === undefined ? i : r.offset - baseOffset;
    pos = writeRecord(buf, pos, r, bodySizes[i]!, r.timestamp - baseTimestamp, offsetDelta);
  }
}

interface HeaderFields {
  baseOffset: number;
  partitionLeaderEpoch: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** Writes the 61-byte header into `out` (records already in place) and its CRC. */
function writeHeader(out: Buffer, h: HeaderFields): void {
  checkInt32(h.partitionLeaderEpoch, 'partitionLeaderEpoch');
  checkSafe(h.producerId, 'producerId');
  if (!Number.isInteger(h.producerEpoch) || h.producerEpoch < -0x8000 || h.producerEpoch > 0x7fff) {
    throw new ProtocolError('invalid-value', `producerEpoch ${h.producerEpoch} is not an int16`);
  }
  checkInt32(h.baseSequence, 'baseSequence');
  out.writeBigInt64BE(BigInt(h.baseOffset), BATCH.BASE_OFFSET);
  out.writeInt32BE(out.length - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  out.writeInt32BE(h.partitionLeaderEpoch, BATCH.PARTITION_LEADER_EPOCH);
  out.writeInt8(2, BATCH.MAGIC);
  out.writeInt16BE(h.attributes, BATCH.ATTRIBUTES);
  out.writeInt32BE(h.lastOffsetDelta, BATCH.LAST_OFFSET_DELTA);
  out.writeBigInt64BE(BigInt(h.baseTimestamp), BATCH.BASE_TIMESTAMP);
  out.writeBigInt64BE(BigInt(h.maxTimestamp), BATCH.MAX_TIMESTAMP);
  out.writeBigInt64BE(BigInt(h.producerId), BATCH.PRODUCER_ID);
  out.writeInt16BE(h.producerEpoch, BATCH.PRODUCER_EPOCH);
  out.writeInt32BE(h.baseSequence, BATCH.BASE_SEQUENCE);
  out.writeInt32BE(h.recordsCount, BATCH.RECORDS_COUNT);
  out.writeUInt32BE(crc32c(out.subarray(BATCH.ATTRIBUTES)), BATCH.CRC);
}

function checkSafe(v: number, field: string): void {
  if (!Number.isSafeInteger(v)) {
    throw new ProtocolError('invalid-value', `record batch: ${field} ${v} is not a safe integer`);
  }
}
