/**
 * Record batches for storage tests and benchmarks, built with the shared encoder
 * (src/protocol/records): string keys and values, a fixed default timestamp, and a
 * `lastOffsetDelta` override for malformed input.
 */
import { CompressionType } from '../../../src/protocol/records/batch-view.js';
import { encodeControlBatch, ControlRecordType } from '../../../src/protocol/records/control-records.js';
import { TimestampType } from '../../../src/protocol/records/decode-batch.js';
import { encodeRecordBatch } from '../../../src/protocol/records/encode-batch.js';

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
  /** Default none; zstd needs `initCompression()` first (openLogManager does it). */
  readonly compression?: CompressionType;
  readonly partitionLeaderEpoch?: number;
  /** Overrides lastOffsetDelta (default records.length - 1), to build malformed batches. */
  readonly lastOffsetDelta?: number;
}

export const DEFAULT_TIMESTAMP = 1_700_000_000_000;

function bytesOf(v: Buffer | string | null | undefined): Buffer | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? Buffer.from(v) : v;
}

/** A complete v2 record batch. */
export function buildBatch(opts: TestBatchOptions): Buffer {
  const baseTimestamp = opts.baseTimestamp ?? DEFAULT_TIMESTAMP;
  const records = opts.records.map((r) => ({
    timestamp: r.timestamp ?? baseTimestamp,
    key: bytesOf(r.key),
    value: bytesOf(r.value),
    headers: r.headers ?? [],
  }));
  return encodeRecordBatch({
    records,
    baseOffset: opts.baseOffset ?? 0,
    baseTimestamp,
    maxTimestamp: records.reduce((m, r) => Math.max(m, r.timestamp), baseTimestamp),
    compression: opts.compression ?? CompressionType.None,
    timestampType: opts.logAppendTime === true ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    transactional: opts.transactional === true,
    control: opts.control === true,
    producerId: opts.producerId ?? -1,
    producerEpoch: opts.producerEpoch ?? -1,
    baseSequence: opts.baseSequence ?? -1,
    partitionLeaderEpoch: opts.partitionLeaderEpoch ?? -1,
    ...(opts.lastOffsetDelta === undefined ? {} : { lastOffsetDelta: opts.lastOffsetDelta }),
  });
}

/** A transaction marker: a control batch with one COMMIT or ABORT record. */
export function buildControlBatch(opts: {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  timestamp?: number;
}): Buffer {
  return encodeControlBatch({
    type: opts.commit ? ControlRecordType.Commit : ControlRecordType.Abort,
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    coordinatorEpoch: 0,
    timestamp: opts.timestamp ?? DEFAULT_TIMESTAMP,
  });
}

/** `count` records of `valueSize` bytes each, keyed `k<i>`, for benchmarks and bulk tests. */
export function filledRecords(count: number, valueSize: number, keyPrefix = 'k'): TestRecord[] {
  const value = Buffer.alloc(valueSize, 0x61);
  return Array.from({ length: count }, (_, i) => ({ key: `${keyPrefix}${i}`, value }));
}
