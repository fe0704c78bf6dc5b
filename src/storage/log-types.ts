import type { LogConfig } from './config.js';

/** How an append should be acknowledged. */
export interface AppendOptions {
  /**
   * true (acks=all): resolve only after an fsync covers the bytes (shared with concurrent
   * appends). false (acks=1): resolve once the write returned; `flush.ms`/`flush.messages`
   * decide when the bytes are fsynced.
   */
  readonly durable: boolean;
  /**
   * Stamp the batches with this log-append time (timestamp type bit + max timestamp). Without
   * it, batches are stamped with the clock only when the topic's `message.timestamp.type` is
   * LogAppendTime.
   */
  readonly logAppendTime?: number;
}

/** Offsets given to an append (or, for a duplicate, to the original). */
export interface AppendedOffsets {
  readonly baseOffset: number;
  readonly lastOffset: number;
  /** The log-append time stamped on the batches, or -1 (CreateTime, or a duplicate). */
  readonly logAppendTime: number;
  readonly logStartOffset: number;
}

/**
 * The result of an append. Client errors are data (the broker maps each kind to a Kafka error
 * code); I/O failures reject the promise with a StorageError instead.
 *
 * - `appended`: written (and fsynced if durable). → NONE
 * - `duplicate`: an idempotent retry of one of the producer's last 5 batches; nothing was
 *   written, the original's offsets are returned. → NONE
 * - `out-of-order-sequence` → OUT_OF_ORDER_SEQUENCE_NUMBER
 * - `invalid-producer-epoch`: the producer was fenced by a newer epoch. → INVALID_PRODUCER_EPOCH
 * - `invalid-record`: malformed batches, wrong counts, keyless record on a compacted topic. → INVALID_RECORD
 * - `record-too-large`: a batch above `max.message.bytes`. → MESSAGE_TOO_LARGE
 * - `invalid-timestamp`: outside `message.timestamp.before/after.max.ms`. → INVALID_TIMESTAMP
 */
export type AppendOutcome =
  | ({ readonly kind: 'appended' } & AppendedOffsets)
  | ({ readonly kind: 'duplicate' } & AppendedOffsets)
  | { readonly kind: 'out-of-order-sequence'; readonly message: string }
  | { readonly kind: 'invalid-producer-epoch'; readonly message: string }
  | { readonly kind: 'invalid-record'; readonly message: string }
  | { readonly kind: 'record-too-large'; readonly message: string }
  | { readonly kind: 'invalid-timestamp'; readonly message: string };

export interface ReadOptions {
  /** Exclusive upper bound on batch base offsets (read_committed passes the last stable offset). */
  readonly maxOffset?: number;
}

/** Offsets a reader needs beside the bytes. */
export interface LogOffsets {
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly lastStableOffset: number;
}

export type ReadResult =
  | ({
      readonly kind: 'records';
      /** Whole batches, the first holding the requested offset; empty at the high watermark. */
      readonly records: Buffer;
    } & LogOffsets)
  | ({ readonly kind: 'offset-out-of-range'; readonly logEndOffset: number } & LogOffsets);

/** A record's offset and timestamp (ListOffsets answers). */
export interface TimestampOffset {
  readonly offset: number;
  readonly timestamp: number;
}

export type DeleteRecordsResult =
  | { readonly kind: 'deleted'; readonly lowWatermark: number }
  | { readonly kind: 'offset-out-of-range'; readonly highWatermark: number; readonly logStartOffset: number };

/** An aborted transaction, as Fetch returns them for read_committed consumers. */
export interface AbortedTransaction {
  readonly producerId: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
}

/**
 * One topic-partition's log: what the broker calls. Implemented on disk by FilePartitionLog and
 * in memory by MemoryPartitionLog (for tests of the layers above).
 */
export interface PartitionLog {
  readonly topic: string;
  readonly partition: number;
  /** 'offline' after an fsync failure: reads work, appends fail with StorageError('offline'). */
  readonly status: 'online' | 'offline' | 'closed';
  /** End of the acknowledged prefix: what consumers may read (one node: HW = acknowledged LEO). */
  readonly highWatermark: number;
  /** Offset the next append gets (includes written appends still waiting for their fsync). */
  readonly logEndOffset: number;
  readonly logStartOffset: number;
  /** min(high watermark, first offset of the oldest open transaction). */
  readonly lastStableOffset: number;
  /** Bytes on disk across segments. */
  readonly sizeInBytes: number;
  readonly config: LogConfig;

  /**
   * Appends one or more whole v2 batches (CRC already checked by the caller). Offsets are
   * assigned in call order and patched into `batches` in place (so the buffer must not be
   * reused until the promise settles).
   *
   * @example
   * const r = await log.append(batchBytes, { durable: true });
   * if (r.kind === 'appended') reply(r.baseOffset);
   */
  append(batches: Buffer, opts: AppendOptions): Promise<AppendOutcome>;

  /**
   * Whole batches from the one holding `offset`, at most `maxBytes` (the first batch always),
   * never past the high watermark (nor `maxOffset`).
   *
   * @example const r = await log.read(fetchOffset, 1 << 20);
   */
  read(offset: number, maxBytes: number, opts?: ReadOptions): Promise<ReadResult>;

  /** First record with timestamp ≥ `timestamp` (ListOffsets by time), or null if none. */
  offsetForTimestamp(timestamp: number): Promise<TimestampOffset | null>;

  /** The record with the largest timestamp (ListOffsets MAX_TIMESTAMP), or null when empty. */
  maxTimestamp(): Promise<TimestampOffset | null>;

  /** Advances the log start offset (DeleteRecords); -1 means the high watermark. */
  deleteRecords(beforeOffset: number): Promise<DeleteRecordsResult>;

  /** Aborted transactions overlapping [from, to) (read_committed fetches). */
  abortedTransactions(from: number, to: number): AbortedTransaction[];

  /**
   * Calls `listener` with the new high watermark each time it advances (Fetch long-polls wait
   * on it). Returns the function that unsubscribes.
   *
   * @example const off = log.onHighWatermark(() => wake()); … off();
   */
  onHighWatermark(listener: (highWatermark: number) => void): () => void;

  /** Applies a new config (retention, segment size, cleanup policy…); takes effect on the next append or maintenance pass. */
  updateConfig(config: LogConfig): void;
}

/** A topic as the metadata store keeps it. */
export interface TopicMetadata {
  readonly name: string;
  /** 22-character base64url UUID (Metadata v10+, Fetch v13+). */
  readonly topicId: string;
  readonly partitions: number;
  /** The topic's own config overrides (Kafka key → string value); defaults are not listed. */
  readonly configs: Readonly<Record<string, string>>;
}

export interface CreateTopicOptions {
  readonly partitions: number;
  readonly configs?: Readonly<Record<string, string>>;
}

/**
 * All partition logs of a node plus the metadata store. Implemented on disk by
 * {@link openLogManager} and in memory by `openMemoryLogManager` (same contract).
 */
export interface LogManager {
  readonly clusterId: string;
  readonly nodeId: number;
  topics(): TopicMetadata[];
  topic(name: string): TopicMetadata | undefined;
  topicById(topicId: string): TopicMetadata | undefined;
  /**
   * Creates a topic and its partition logs. Throws StorageError `invalid-topic`,
   * `topic-exists`, `invalid-partitions` or `invalid-config` (the broker validates first with
   * validateTopicName / validateTopicConfig to answer with the right code).
   *
   * @example await logs.createTopic('orders', { partitions: 3, configs: { 'retention.ms': '3600000' } });
   */
  createTopic(name: string, opts: CreateTopicOptions): Promise<TopicMetadata>;
  /** Deletes a topic: its data is moved out of the way at once, removed in the background. */
  deleteTopic(name: string): Promise<void>;
  /** Grows a topic to `totalPartitions` (never shrinks: `invalid-partitions`). */
  createPartitions(name: string, totalPartitions: number): Promise<TopicMetadata>;
  /** Replaces a topic's config overrides (validated; `invalid-config`) and applies them at once. */
  setTopicConfigs(name: string, configs: Readonly<Record<string, string>>): Promise<TopicMetadata>;
  /** The effective config of a topic (overrides, then the node's defaults, then Kafka's). */
  topicConfig(name: string): LogConfig | undefined;
  log(topic: string, partition: number): PartitionLog | undefined;
  /** One pass of retention, compaction and producer-id expiry over every partition. */
  runMaintenance(): Promise<void>;
  /** Flushes and closes every log; on disk, writes the clean-shutdown marker when all were clean. */
  close(): Promise<void>;
}
