import { RivuletError } from '../shared/errors.js';
import type { Partitioner } from './partitioner.js';
import { type Delivery, PartitionQueue, ProducerBatch } from './producer-batch.js';
import { recordBytes, toBuffer, toHeaders } from './producer-records.js';
import type { ProducerRecord } from './producer-types.js';

/**
 * The producer's buffer: records grouped into per-partition batches, with the accounting that
 * bounds it (bytes buffered, batches outstanding) and the partition choice (the partitioner,
 * and the sticky partition of keyless records). The producer's sender takes batches out of it.
 */
export class RecordAccumulator {
  /** Per topic, per partition (sparse: created on first use). */
  readonly queues = new Map<string, (PartitionQueue | undefined)[]>();
  private readonly sticky = new Map<string, number>();
  private nextBatchId = 0;
  private buffered = 0;
  /** Batches created and not yet acknowledged or failed. */
  private outstanding = 0;
  private spaceWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly batchBytes: number,
    private readonly bufferBytes: number,
    private readonly partitioner: Partitioner,
  ) {}

  /** True while no batch is waiting or in flight. */
  get isIdle(): boolean {
    return this.outstanding === 0;
  }

  /**
   * Resolves when a `send()` may add records: at once while the buffer has room and nobody is
   * queued before us (so that sends append in call order), else once batches are released.
   */
  waitForSpace(): Promise<void> {
    if (this.buffered < this.bufferBytes && this.spaceWaiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  /** Resolves once every batch has been acknowledged or failed. */
  waitIdle(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  queue(topic: string, partition: number): PartitionQueue {
    let qs = this.queues.get(topic);
    if (qs === undefined) {
      qs = [] as (PartitionQueue | undefined)[];
      this.queues.set(topic, qs);
    }
    let q = qs[partition];
    if (q === undefined) {
      q = new PartitionQueue(topic, partition);
      qs[partition] = q;
    }
    return q;
  }

  /**
   * Adds one `send()` call's records to their partitions' open batches (opening new ones as
   * batches fill). Explicit partitions are checked before anything is added. Returns true when
   * some batch became full, so the caller sends without waiting for the linger time.
   */
  append(
    topic: string,
    partitionCount: number,
    records: readonly ProducerRecord[],
    delivery: Delivery,
    now: number,
  ): boolean {
    for (const r of records) {
      if (r.partition !== undefined) checkPartition(topic, r.partition, partitionCount);
    }
    let full = false;
    for (const r of records) {
      const key = toBuffer(r.key);
      const value = toBuffer(r.value);
      const headers = toHeaders(r.headers);
      let partition = r.partition ?? this.partitioner(topic, key, partitionCount);
      if (partition === -1 && r.partition === undefined)
        partition = this.stickyPartition(topic, partitionCount);
      checkPartition(topic, partition, partitionCount);
      const size = recordBytes(key, value, headers);
      const q = this.queue(topic, partition);
      let batch = q.open;
      if (batch !== undefined && batch.records.length > 0 && batch.bytes + size > this.batchBytes) {
        batch.sealed = true;
        full = true;
        batch = undefined;
      }
      if (batch === undefined) {
        batch = new ProducerBatch(topic, partition, this.nextBatchId++, now);
        q.batches.push(batch);
        this.outstanding++;
      }
      batch.add({ timestamp: r.timestamp ?? now, key, value, headers }, size, delivery);
      this.buffered += size;
      if (batch.bytes >= this.batchBytes) {
        batch.sealed = true;
        full = true;
      }
    }
    return full;
  }

  private stickyPartition(topic: string, partitionCount: number): number {
    let p = this.sticky.get(topic);
    if (p === undefined || p >= partitionCount) {
      p = Math.floor(Math.random() * partitionCount);
      this.sticky.set(topic, p);
    }
    return p;
  }

  /** Moves the topic's sticky partition on once its batch leaves (KIP-480). */
  rotateSticky(topic: string, partition: number, partitionCount: number): void {
    if (this.sticky.get(topic) !== partition || partitionCount < 2) return;
    const next = Math.floor(Math.random() * (partitionCount - 1));
    this.sticky.set(topic, next >= partition ? next + 1 : next);
  }

  /** A batch is done (acknowledged or failed): its bytes leave the buffer. */
  release(b: ProducerBatch): void {
    this.buffered -= b.bytes;
    this.outstanding--;
    if (this.buffered < this.bufferBytes && this.spaceWaiters.length > 0) {
      const waiters = this.spaceWaiters;
      this.spaceWaiters = [];
      for (const w of waiters) w();
    }
    if (this.outstanding === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Fails every queued (not in-flight) batch, of `topics` or of all topics. */
  failQueued(err: Error, topics?: readonly string[]): void {
    for (const [topic, qs] of this.queues) {
      if (topics !== undefined && !topics.includes(topic)) continue;
      for (const q of qs) {
        if (q === undefined) continue;
        const batches = q.batches;
        q.batches = [];
        for (const b of batches) {
          b.fail(err);
          this.release(b);
        }
      }
    }
  }
}

function checkPartition(topic: string, partition: number, partitionCount: number): void {
  if (!Number.isInteger(partition) || partition < 0 || partition >= partitionCount) {
    throw new RivuletError(
      'RIV_ERR_INVALID_ARGUMENT',
      `partition ${partition} of '${topic}' does not exist (the topic has ${partitionCount} partitions)`,
    );
  }
}
