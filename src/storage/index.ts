/**
 * Storage: the durable partition log (see docs/storage.md for the long form).
 *
 * ## On-disk format
 *
 * ```
 * <data-dir>/
 *   metadata.json                 cluster id, node id, topics (name, topic id, partitions, configs)
 *   .rivulet-clean-shutdown       present only between a clean close and the next open
 *   <topic>-<partition>/
 *     00000000000000000000.log        record batches (magic v2) exactly as produced, base offset
 *                                     and partitionLeaderEpoch patched; named by base offset
 *     00000000000000000000.index      sparse offset index: int32 relative last offset of a
 *                                     batch, int32 byte position; one per index.interval.bytes
 *     00000000000000000000.timeindex  sparse time index: int64 max timestamp so far, int32
 *                                     relative offset; the last entry is the segment's maximum
 *     00000000000000000000.txnindex   aborted transactions (Kafka's 34-byte entries), if any
 *     00000000000000001234.snapshot   producer state as of offset 1234 (format: producer-state.ts)
 *     partition-state.json            log start offset, recovery point, cleaner checkpoint
 *     compaction-swap.json            only while a compaction output is being swapped in
 *   <topic>-<partition>.<id>-delete   a deleted topic's data, removed in the background
 *   <topic>-<partition>.<id>-stray    data found where a new topic was created; never read
 * ```
 * All numbers big-endian. Every small file (metadata, state, snapshots, the marker) is replaced
 * atomically: write `.tmp`, fsync, rename, fsync the directory. Index files are written whole
 * when a segment is rolled or the log closes, and are rebuilt from the `.log` whenever they are
 * missing, malformed or may be stale.
 *
 * ## Durability
 *
 * An append is acknowledged after its `pwritev` returned (non-durable, acks=1) or after a
 * group-commit `fdatasync` that started after the write completed (durable, acks=all). The
 * high watermark — what readers see — is the end of the longest prefix of acknowledged appends.
 * `flush.ms` / `flush.messages` schedule fsyncs for non-durable data, and so does every
 * `writebackBytes` (16 MiB) written since the last fsync started, which bounds the work (and
 * the stall of concurrent writes) per fsync. A new segment file is
 * made durable by fsyncing the directory before any durable append in it is acknowledged.
 *
 * ## Recovery (on every open)
 *
 * 1. Delete `*.tmp`, `*.deleted`, and `*.cleaned` (unless `compaction-swap.json` says the swap
 *    committed: then finish it), and index files without a `.log`.
 * 2. Clean start (marker present): trust every segment; check only the active segment's tail —
 *    the batches after its last offset-index entry must be whole, CRC-valid and end exactly at
 *    the end of the file — else recover that segment as below.
 * 3. Unclean start: every segment holding offsets at or above the recovery point is read in
 *    full: structure, CRC-32C, offsets increasing. At the first bad batch, look for a valid
 *    continuation. None in the last segment: a torn tail, truncated (no acknowledged durable
 *    data can be there: an fsync covers a prefix). Found, or not in the last segment: the bad
 *    bytes are recorded as a corrupt range and logged; they stay on disk and reads of those
 *    offsets fail with `corrupt-data` (never the bytes, never a silent skip); everything
 *    around them stays readable. DeleteRecords past the range lets consumers move on.
 * 4. Indexes of recovered segments are rebuilt and written; recovered segments are fsynced and
 *    the recovery point moves to the log end.
 * 5. Producer state: the newest valid snapshot at or below the log end, then a replay of batch
 *    headers from its offset (snapshots are written at every roll and at clean shutdown, so
 *    the replay is at most the active segment). Snapshots keep every producer, so state
 *    survives retention deleting the segments that wrote it (until producer id expiry).
 *
 * Reads CRC-check every batch not verified since it was loaded from disk, so bit rot in a
 * segment that was trusted at start is caught when first read.
 *
 * ## Errors
 *
 * ENOSPC/EDQUOT on write: the partial bytes are truncated away, the append fails with
 * `disk-full`, the partition stays writable. Any other write error, a failed truncate, or any
 * fsync failure (fsyncgate: a retry cannot be trusted) takes the partition offline: appends
 * fail with `offline`, reads keep working up to the high watermark, a restart re-validates.
 */
export {
  DEFAULT_LOG_CONFIG,
  LONG_MAX,
  TOPIC_CONFIG_DEFS,
  resolveLogConfig,
  topicConfigDef,
  validateTopicConfig,
} from './config.js';
export type { ConfigDef, ConfigType, LogConfig } from './config.js';
export { silentLogger, systemClock } from './env.js';
export type { Clock, Logger } from './env.js';
export { CompressionNotReadyError } from './batch-records.js';
export { StorageError, isStorageError } from './errors.js';
export type { StorageErrorCode } from './errors.js';
export { nodeFileIo } from './file-io.js';
export type { FileIo } from './file-io.js';
export type {
  AbortedTransaction,
  AppendOptions,
  AppendOutcome,
  AppendedOffsets,
  CreateTopicOptions,
  DeleteRecordsResult,
  LogManager,
  LogOffsets,
  PartitionLog,
  ReadOptions,
  ReadResult,
  TimestampOffset,
  TopicMetadata,
} from './log-types.js';
export { FileLogManager, openLogManager } from './log-manager.js';
export type { LogManagerOptions } from './log-manager.js';
export { MemoryLogManager, MemoryPartitionLog } from './memory-log.js';
export { randomKafkaUuid } from './metadata-store.js';
export { FilePartitionLog } from './partition-log.js';
export { MAX_TOPIC_NAME_LENGTH, validateTopicName } from './topic-name.js';
export { MAX_PARTITIONS } from './topic-rules.js';
