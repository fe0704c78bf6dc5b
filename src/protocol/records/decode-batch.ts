import { ProtocolError } from '../errors.js';
import { BATCH, BatchView, batches, CompressionType } from './batch-view.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, compressionName, decompress } from './compression.js';
import type { Record } from './record.js';
import { RecordCursor, scanRecords } from './record-cursor.js';

/** Attribute bit 3: how the batch's timestamps were assigned. */
export const TimestampType = {
  CreateTime: 0,
  LogAppendTime: 1,
} as const;
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType];

/** A record batch's header fields, with int64s converted to (range-checked) numbers. */
export interface RecordBatchHeader {
  baseOffset: number;
  /** Total bytes of the batch, including baseOffset and batchLength. */
  size: number;
  partitionLeaderEpoch: number;
  crc: number;
  attributes: number;
  compression: CompressionType;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** A decoded record batch. */
export interface RecordBatch extends RecordBatchHeader {
  records: Record[];
}

export interface DecodeOptions {
  /** Check the CRC-32C before decoding (default true). */
  verifyCrc?: boolean;
  /** Refuse batches whose records decompress to more bytes (default 64 MiB). */
  maxDecompressedBytes?: number;
}

/**
 * Reads and checks a batch's header: int64 fields must be safe integers, the compression code
 * a known codec, the record count non-negative.
 */
export function readBatchHeader(view: BatchView): RecordBatchHeader {
  const compression = view.compressionCode;
  if (compression > CompressionType.Zstd) {
    throw new ProtocolError('invalid-value', `record batch: ${compressionName(compression)} compression`);
  }
  const recordsCount = view.recordsCount;
  if (recordsCount < 0) {
    throw new ProtocolError('invalid-length', `record batch: negative records count ${recordsCount}`);
  }
  return {
    baseOffset: safeNumber(view.baseOffset, 'baseOffset'),
    size: view.size,
    partitionLeaderEpoch: view.partitionLeaderEpoch,
    crc: view.crc,
    attributes: view.attributes,
    compression: compression as CompressionType,
    timestampType: view.logAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    isTransactional: view.isTransactional,
    isControl: view.isControl,
    lastOffsetDelta: view.lastOffsetDelta,
    baseTimestamp: safeNumber(view.baseTimestamp, 'baseTimestamp'),
    maxTimestamp: safeNumber(view.maxTimestamp, 'maxTimestamp'),
    producerId: safeNumber(view.producerId, 'producerId'),
    producerEpoch: view.producerEpoch,
    baseSequence: view.baseSequence,
    recordsCount,
  };
}

/**
 * Visits every record of one batch without allocating a {@link Record} per record: the visitor
 * gets one reused {@link RecordCursor} (offset, timestamp, key/value ranges, lazy headers) and
 * may return `false` to stop. Decompresses as needed; bad input throws {@link ProtocolError}.
 * Returns the batch's header.
 *
 * @example
 * let bytes = 0;
 * forEachRecord(view, (r) => {
 *   bytes += r.valueLength;
 * });
 */
export function forEachRecord(
  batch: Buffer | BatchView,
  visit: (record: RecordCursor) => unknown,
  options?: DecodeOptions,
): RecordBatchHeader {
  const view = batch instanceof BatchView ? batch : BatchView.at(batch);
  if (options?.verifyCrc !== false) {
    const computed = view.computeCrc();
    if (computed !== view.crc) {
      throw new ProtocolError(
        'invalid-value',
        `record batch: CRC mismatch (stored 0x${hex32(view.crc)}, computed 0x${hex32(computed)})`,
      );
    }
  }
  const header = readBatchHeader(view);
  const start = view.start + BATCH.HEADER_SIZE;
  const end = view.start + view.size;
  const ctx = {
    baseOffset: header.baseOffset,
    baseTimestamp: header.baseTimestamp,
    logAppendTime: header.timestampType === TimestampType.LogAppendTime ? header.maxTimestamp : null,
  };
  const cursor = new RecordCursor();
  if (header.compression === CompressionType.None) {
    scanRecords(view.buf, start, end, header.recordsCount, ctx, cursor, visit);
  } else {
    const maxBytes = options?.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
    const data = decompress(header.compression, view.buf.subarray(start, end), maxBytes);
    scanRecords(data, 0, data.length, header.recordsCount, ctx, cursor, visit);
  }
  return header;
}

/**
 * Decodes one batch (the one at the start of `batch` when given bytes; bytes after it are
 * ignored, see `size`) into its header and {@link Record}s. Keys, values and header values are
 * zero-copy slices of the input (or of the decompressed records).
 *
 * @example
 * const { baseOffset, records } = decodeRecordBatch(bytes);
 */
export function decodeRecordBatch(batch: Buffer | BatchView, options?: DecodeOptions): RecordBatch {
  const records: Record[] = [];
  const header = forEachRecord(
    batch,
    (r) => {
      records.push(r.toRecord());
    },
    options,
  );
  return { ...header, records };
}

/**
 * Decodes every whole batch in `buf` (a Fetch response's records, a log segment). A trailing
 * partial batch is skipped, as Kafka's clients do: Fetch may cut the last batch short.
 */
export function decodeRecordBatches(buf: Buffer, options?: DecodeOptions): RecordBatch[] {
  const out: RecordBatch[] = [];
  for (const view of batches(buf)) out.push(decodeRecordBatch(view, options));
  return out;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

function safeNumber(v: bigint, field: string): number {
  if (v > MAX_SAFE || v < MIN_SAFE) {
    throw new ProtocolError('invalid-value', `record batch: ${field} ${v} is outside the safe integer range`);
  }
  return Number(v);
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
