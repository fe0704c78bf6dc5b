/**
 * A small record-batch builder for storage tests and benchmarks: the 61-byte v2 header, plain
 * (or gzip) records and a correct CRC-32C. Kept apart so it can be swapped for the shared
 * encoder (src/protocol/records/records.ts) once that lands.
 */
import { gzipSync } from 'node:zlib';
import { Writer } from '../../../src/protocol/primitives/writer.js';
import {
  ATTR_CONTROL,
  ATTR_TIMESTAMP_TYPE,
  ATTR_TRANSACTIONAL,
  BATCH,
  CompressionType,
} from '../../../src/protocol/records/batch-view.js';
import { crc32c } from '../../../src/protocol/records/crc32c.js';

export interface TestRecord {
  readonly key?: Buffer | string | null;
  readonly value?: Buffer | string | null;
  /** Absolute timestamp; defaults to the batch's base timestamp. */
  readonly timestamp?: number;
  readonly headers?: readonly { key: string; value: Buffer | null }[];
}

export interface TestBatchOptions {
  readonly records: readonly TestRecord[];
  readonly baseOffset?: number;
  readonly baseTimestamp?: number;
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly transactional?: boolean;
  readonly control?: boolean;
  readonly logAppendTime?: boolean;
  readonly gzip?: boolean;
  readonly partitionLeaderEpoch?: number;
  /** Overrides lastOffsetDelta (default records.length - 1), to build malformed batches. */
  readonly lastOffsetDelta?: number;
}

function bytesOf(v: Buffer | string | null | undefined): Buffer | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? Buffer.from(v) : v;
}

function encodeRecords(records: readonly TestRecord[], baseTimestamp: number): Buffer {
  const out = new Writer(256);
  const body = new Writer(256);
  records.forEach((r, i) => {
    body.offset = 0;
    body.int8(0);
    body.varlongNumber((r.timestamp ?? baseTimestamp) - baseTimestamp);
    body.varint(i);
    const key = bytesOf(r.key);
    const value = bytesOf(r.value);
    body.varint(key === null ? -1 : key.length);
    if (key !== null) body.raw(key);
    body.varint(value === null ? -1 : value.length);
    if (value !== null) body.raw(value);
    const headers = r.headers ?? [];
    body.varint(headers.length);
    for (const h of headers) {
      const hk = Buffer.from(h.key);
      body.varint(hk.length).raw(hk);
      body.varint(h.value === null ? -1 : h.value.length);
      if (h.value !== null) body.raw(h.value);
    }
    const bytes = body.finish();
    out.varint(bytes.length).raw(bytes);
  });
  return out.finish();
}

/** A complete v2 record batch. */
export function buildBatch(opts: TestBatchOptions): Buffer {
  const baseTimestamp = opts.baseTimestamp ?? 1_700_000_000_000;
  let records = encodeRecords(opts.records, baseTimestamp);
  if (opts.gzip === true) records = gzipSync(records);
  const size = BATCH.HEADER_SIZE + records.length;
  const buf = Buffer.alloc(size);
  const maxTimestamp = opts.records.reduce(
    (m, r) => Math.max(m, r.timestamp ?? baseTimestamp),
    baseTimestamp,
  );
  let attributes = opts.gzip === true ? CompressionType.Gzip : CompressionType.None;
  if (opts.logAppendTime === true) attributes |= ATTR_TIMESTAMP_TYPE;
  if (opts.transactional === true) attributes |= ATTR_TRANSACTIONAL;
  if (opts.control === true) attributes |= ATTR_CONTROL;
  buf.writeBigInt64BE(BigInt(opts.baseOffset ?? 0), BATCH.BASE_OFFSET);
  buf.writeInt32BE(size - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  buf.writeInt32BE(opts.partitionLeaderEpoch ?? -1, BATCH.PARTITION_LEADER_EPOCH);
  buf.writeInt8(2, BATCH.MAGIC);
  buf.writeInt16BE(attributes, BATCH.ATTRIBUTES);
  buf.writeInt32BE(opts.lastOffsetDelta ?? opts.records.length - 1, BATCH.LAST_OFFSET_DELTA);
  buf.writeBigInt64BE(BigInt(baseTimestamp), BATCH.BASE_TIMESTAMP);
  buf.writeBigInt64BE(BigInt(maxTimestamp), BATCH.MAX_TIMESTAMP);
  buf.writeBigInt64BE(BigInt(opts.producerId ?? -1), BATCH.PRODUCER_ID);
  buf.writeInt16BE(opts.producerEpoch ?? -1, BATCH.PRODUCER_EPOCH);
  buf.writeInt32BE(opts.baseSequence ?? -1, BATCH.BASE_SEQUENCE);
  buf.writeInt32BE(opts.records.length, BATCH.RECORDS_COUNT);
  records.copy(buf, BATCH.HEADER_SIZE);
  buf.writeUInt32BE(crc32c(buf.subarray(BATCH.ATTRIBUTES)), BATCH.CRC);
  return buf;
}

/** A transaction marker: a control batch with one COMMIT (type 1) or ABORT (type 0) record. */
export function buildControlBatch(opts: {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  timestamp?: number;
}): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(opts.commit ? 1 : 0, 2);
  const value = Buffer.alloc(6);
  return buildBatch({
    records: [{ key, value }],
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    baseSequence: -1,
    transactional: true,
    control: true,
    ...(opts.timestamp === undefined ? {} : { baseTimestamp: opts.timestamp }),
  });
}

/** `count` records of `valueSize` bytes each, keyed `k<i>`, for benchmarks and bulk tests. */
export function filledRecords(count: number, valueSize: number, keyPrefix = 'k'): TestRecord[] {
  const value = Buffer.alloc(valueSize, 0x61);
  return Array.from({ length: count }, (_, i) => ({ key: `${keyPrefix}${i}`, value }));
}
