import type { ClientOptions } from './options.js';
import type { Partitioner } from './partitioner.js';

/** Bytes as the producer accepts them: strings are encoded as UTF-8. */
export type Bytes = Uint8Array | string;

/** One record to produce. */
export interface ProducerRecord {
  key?: Bytes | null;
  value: Bytes | null;
  /** Headers as an object (`{ source: 'web' }`) or as a list (repeated keys allowed). */
  headers?: Readonly<Record<string, Bytes | null>> | readonly { key: string; value: Bytes | null }[];
  /** An explicit partition; otherwise the partitioner chooses. */
  partition?: number;
  /** Create time in epoch ms (default: now). */
  timestamp?: number;
}

/** Kafka's compression codec names. */
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** Producer settings, with Kafka's names in mind; everything but `bootstrap` has a default. */
export interface ProducerOptions extends ClientOptions {
  /**
   * 0: no response (fire and forget), 1: the leader wrote it, `'all'`/-1: every in-sync
   * replica has it (on our broker: fsynced). Default `'all'`.
   */
  acks?: 0 | 1 | -1 | 'all';
  /**
   * Idempotence (Kafka's `enable.idempotence`): a producer id and per-partition sequence
   * numbers, so a retried batch is never written twice and order is kept. Default: on when acks
   * is all, off otherwise (as Kafka); on with other acks is an error.
   */
  idempotent?: boolean;
  /** Default `'none'`. zstd needs a broker with Produce v7 (Kafka 2.1). */
  compression?: CompressionName;
  /** gzip 1-9, zstd level. */
  compressionLevel?: number;
  /** How long a batch waits for more records before it is sent (default 5 ms, as Kafka 4). */
  lingerMs?: number;
  /** A batch is sent once its records reach this many bytes (default 1,000,000, as librdkafka). */
  batchBytes?: number;
  /** Upper bound of one Produce request's batches (default 8 MiB). */
  maxRequestBytes?: number;
  /** Requests in flight per partition (default 5; Kafka's limit with idempotence is 5). */
  maxInFlight?: number;
  /** A record not acknowledged within this time fails (default 120 s, as Kafka). */
  deliveryTimeoutMs?: number;
  /** send() waits while this many bytes of records are buffered (default 32 MiB). */
  bufferBytes?: number;
  /** Chooses partitions (default: Kafka's murmur2 of the key; keyless records sticky). */
  partitioner?: Partitioner;
  /** Ask the broker to create a topic missing from metadata (default true, as Kafka). */
  autoCreateTopics?: boolean;
}

/**
 * Where the records of one `send()` went: one entry per partition batch they landed in, in the
 * order first used. The `count` records of an entry have consecutive offsets from `baseOffset`
 * (-1 with acks=0, which gets no answer).
 */
export interface SendResult {
  topic: string;
  partition: number;
  baseOffset: number;
  count: number;
  /** The broker's append time for log-append-time topics, else -1. */
  logAppendTime: number;
}
