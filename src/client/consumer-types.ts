import type { ClientOptions } from './options.js';

/** A topic and one of its partitions. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * Where to (re)start reading a partition: an offset, the log start, the end (only new
 * records), or the first record at or after a timestamp (epoch ms; the end when none is).
 */
export type SeekTarget = number | 'earliest' | 'latest' | { timestamp: number };

/** What to do when a partition has no position, or its position is out of range. */
export type OffsetResetPolicy = 'earliest' | 'latest' | 'none';

/** Consumer settings, Kafka's defaults unless noted. */
export interface ConsumerOptions extends ClientOptions {
  /** Long-poll: how long the broker may wait for `minBytes` (default 500 ms). */
  maxWaitMs?: number;
  /** The broker answers once this many bytes are available (default 1). */
  minBytes?: number;
  /** Upper bound of one Fetch response (default 50 MiB). */
  maxBytes?: number;
  /** Upper bound per partition per Fetch (default 1 MiB); a larger first batch still comes whole. */
  maxPartitionBytes?: number;
  /**
   * Where a partition without a position starts, and what OFFSET_OUT_OF_RANGE does: `'earliest'`,
   * `'latest'` (default), or `'none'` (poll throws the error).
   */
  autoOffsetReset?: OffsetResetPolicy;
  /** Read only committed transactional records (isolation level read_committed). Default false. */
  readCommitted?: boolean;
  /** Let the broker create assigned topics that do not exist (default false). */
  autoCreateTopics?: boolean;
}
