import { ProtocolError } from '../errors.js';
import type { BatchView } from './batch-view.js';
import { decodeRecordBatch, type DecodeOptions, type RecordBatchHeader } from './decode-batch.js';
import { encodeRecordBatch } from './encode-batch.js';

/*
 * Transaction markers: a control batch (attributes transactional + control) holding one record.
 *   key   = version int16 (0) · type int16 (0 abort, 1 commit)
 *   value = version int16 (0) · coordinatorEpoch int32
 * Other control types exist (KRaft's leader change, snapshot header/footer …) but never appear
 * in a data partition we serve; they decode as their numeric type.
 */

/** Control record types that a data partition carries. */
export const ControlRecordType = {
  Abort: 0,
  Commit: 1,
} as const;
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType];

const KEY_SIZE = 4;
const VALUE_SIZE = 6;

/** Encodes a control record key (version 0). */
export function encodeControlRecordKey(type: ControlRecordType): Buffer {
  const key = Buffer.allocUnsafe(KEY_SIZE);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  return key;
}

/** The type of a control record key. Newer key versions are read as version 0, as Kafka does. */
export function decodeControlRecordKey(key: Buffer | null): number {
  if (key === null || key.length < KEY_SIZE) {
    throw new ProtocolError(
      'invalid-length',
      `control record: key of ${key?.length ?? 'null'} bytes, need 4`,
    );
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new ProtocolError('invalid-value', `control record: key version ${version}`);
  return key.readInt16BE(2);
}

/** Encodes an end-transaction marker's value (version 0). */
export function encodeEndTxnMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.allocUnsafe(VALUE_SIZE);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** The coordinator epoch of an end-transaction marker's value. */
export function decodeEndTxnMarkerValue(value: Buffer | null): number {
  if (value === null || value.length < VALUE_SIZE) {
    throw new ProtocolError(
      'invalid-length',
      `transaction marker: value of ${value?.length ?? 'null'} bytes, need 6`,
    );
  }
  const version = value.readInt16BE(0);
  if (version < 0) throw new ProtocolError('invalid-value', `transaction marker: value version ${version}`);
  return value.readInt32BE(2);
}

export interface ControlBatchOptions {
  type: ControlRecordType;
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  /** When the marker was written (the broker's clock). */
  timestamp: number;
  /** Default 0; the log assigns the real offset. */
  baseOffset?: number;
  /** Default -1. */
  partitionLeaderEpoch?: number;
}

/**
 * Encodes a COMMIT or ABORT marker batch: transactional + control attributes, one record,
 * uncompressed, base sequence -1.
 *
 * @example
 * const marker = encodeControlBatch({
 *   type: ControlRecordType.Commit, producerId: 7, producerEpoch: 0, coordinatorEpoch: 3, timestamp: Date.now(),
 * });
 */
export function encodeControlBatch(opts: ControlBatchOptions): Buffer {
  return encodeRecordBatch({
    baseOffset: opts.baseOffset ?? 0,
    partitionLeaderEpoch: opts.partitionLeaderEpoch ?? -1,
    transactional: true,
    control: true,
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    baseSequence: -1,
    records: [
      {
        timestamp: opts.timestamp,
        key: encodeControlRecordKey(opts.type),
        value: encodeEndTxnMarkerValue(opts.coordinatorEpoch),
      },
    ],
  });
}

/** A decoded transaction marker. */
export interface ControlBatch {
  header: RecordBatchHeader;
  /** 0 abort, 1 commit (see {@link ControlRecordType}); other numbers for non-transaction types. */
  type: number;
  /** Set for abort/commit markers, null for other control types. */
  coordinatorEpoch: number | null;
  /** Offset of the marker record. */
  offset: number;
  timestamp: number;
}

/**
 * Decodes a control batch. Throws {@link ProtocolError} when the batch is not a control batch or
 * does not hold exactly one record.
 */
export function decodeControlBatch(batch: Buffer | BatchView, options?: DecodeOptions): ControlBatch {
  const { records, ...header } = decodeRecordBatch(batch, options);
  if (!header.isControl) throw new ProtocolError('invalid-value', 'record batch: not a control batch');
  const record = records[0];
  if (record === undefined || records.length !== 1) {
    throw new ProtocolError('invalid-length', `control batch: ${records.length} records, expected 1`);
  }
  const type = decodeControlRecordKey(record.key);
  const isMarker = type === ControlRecordType.Abort || type === ControlRecordType.Commit;
  return {
    header,
    type,
    coordinatorEpoch: isMarker ? decodeEndTxnMarkerValue(record.value) : null,
    offset: record.offset,
    timestamp: record.timestamp,
  };
}
