export {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_TIMESTAMP_TYPE,
  ATTR_TRANSACTIONAL,
  BATCH,
  BatchView,
  CompressionType,
  batchSizeAt,
  batches,
} from './batch-view.js';
export {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  compress,
  compressionName,
  compressionReady,
  decompress,
  initCompression,
} from './compression.js';
export {
  ControlRecordType,
  decodeControlBatch,
  decodeControlRecordKey,
  decodeEndTxnMarkerValue,
  encodeControlBatch,
  encodeControlRecordKey,
  encodeEndTxnMarkerValue,
  type ControlBatch,
  type ControlBatchOptions,
} from './control-records.js';
export { crc32c } from './crc32c.js';
export {
  TimestampType,
  decodeRecordBatch,
  decodeRecordBatches,
  forEachRecord,
  readBatchHeader,
  type DecodeOptions,
  type RecordBatch,
  type RecordBatchHeader,
} from './decode-batch.js';
export { encodeRecordBatch, type EncodeRecordBatchOptions } from './encode-batch.js';
export { RecordCursor } from './record-cursor.js';
export type { Record, RecordHeader, RecordInput } from './record.js';
