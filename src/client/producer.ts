import { ErrorCode } from '../protocol/error-codes.js';
import { InitProducerId } from '../protocol/messages/init-producer-id.js';
import { Produce, type ProduceResponse, type TopicProduceData } from '../protocol/messages/produce.js';
import { CompressionType } from '../protocol/records/batch-view.js';
import { initCompression } from '../protocol/records/compression.js';
import { encodeRecordBatch } from '../protocol/records/encode-batch.js';
import { isRivuletError, RivuletError } from '../shared/errors.js';
import { Cluster, type TopicInfo } from './cluster.js';
import { KafkaError } from './errors.js';
import { fromInt64 } from './int64.js';
import { defaultPartitioner } from './partitioner.js';
import { addSequence, Delivery, type PartitionQueue, type ProducerBatch } from './producer-batch.js';
import type { CompressionName, ProducerOptions, ProducerRecord, SendResult } from './producer-types.js';
import { RecordAccumulator } from './record-accumulator.js';
import { backoffMs, withRetry } from './retry.js';

const CODECS: Readonly<Record<CompressionName, CompressionType>> = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
};

/** Errors that mean the producer id or its sequences are no longer valid on the broker. */
const PRODUCER_STATE_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  ErrorCode.UNKNOWN_PRODUCER_ID,
  ErrorCode.INVALID_PRODUCER_EPOCH,
  ErrorCode.INVALID_PRODUCER_ID_MAPPING,
]);

/** Errors after which the partition's leader must be looked up again. */
const STALE_METADATA_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH,
]);

/**
 * Produces records to Kafka (our broker or any other). Records are batched per partition and
 * sent when a batch is full (`batchBytes`) or has waited `lingerMs`, with up to `maxInFlight`
 * requests per partition. With idempotence (the default with acks=all) every batch carries the
 * producer id and a sequence number, so retries after a lost response or a broken connection
 * never write a record twice and never reorder: a failed batch and every batch after it are
 * resent, in order, once the partition's in-flight requests have settled.
 *
 * @example
 * ```ts
 * const producer = new Producer({ bootstrap: '127.0.0.1:9092', compression: 'lz4' });
 * const [r] = await producer.send('orders', [{ key: 'user-1', value: JSON.stringify({ total: 42 }) }]);
 * console.log(r.partition, r.baseOffset);
 * await producer.close();
 * ```
 */
export class Producer {
  readonly cluster: Cluster;
  private readonly acks: 0 | 1 | -1;
  private readonly idempotent: boolean;
  private readonly compression: CompressionType;
  private readonly compressionLevel: number | undefined;
  private readonly lingerMs: number;
  private readonly maxRequestBytes: number;
  private readonly maxInFlight: number;
  private readonly deliveryTimeoutMs: number;
  private readonly autoCreate: boolean;

  private readonly buffer: RecordAccumulator;
  private readonly lookups = new Map<string, Promise<TopicInfo>>();
  private flushing = 0;
  private drainScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private refreshing = false;
  private producerId = -1;
  private producerEpoch = -1;
  private acquiring: Promise<void> | null = null;
  private ready: Promise<void> | null = null;
  private closed = false;

  constructor(opts: ProducerOptions) {
    this.cluster = new Cluster(opts);
    const acks = opts.acks === 'all' || opts.acks === undefined ? -1 : opts.acks;
    this.acks = acks;
    if (opts.idempotent === true && acks !== -1) {
      throw new RivuletError(
        'RIV_ERR_INVALID_ARGUMENT',
        `idempotent: true needs acks 'all', got acks ${acks}`,
      );
    }
    this.idempotent = opts.idempotent ?? acks === -1;
    this.compression = CODECS[opts.compression ?? 'none'];
    if ((this.compression as number | undefined) === undefined) {
      throw new RivuletError(
        'RIV_ERR_INVALID_ARGUMENT',
        `compression must be none, gzip, snappy, lz4 or zstd, got '${String(opts.compression)}'`,
      );
    }
    this.compressionLevel = opts.compressionLevel;
    this.lingerMs = opts.lingerMs ?? 5;
    this.maxRequestBytes = opts.maxRequestBytes ?? 8 * 1024 * 1024;
    this.maxInFlight = Math.max(1, Math.min(opts.maxInFlight ?? 5, this.idempotent ? 5 : Infinity));
    this.deliveryTimeoutMs = opts.deliveryTimeoutMs ?? 120_000;
    this.buffer = new RecordAccumulator(
      opts.batchBytes ?? 1_000_000,
      opts.bufferBytes ?? 32 * 1024 * 1024,
      opts.partitioner ?? defaultPartitioner,
    );
    this.autoCreate = opts.autoCreateTopics ?? true;
  }

  /**
   * Connects now (a bootstrap broker, and the producer id when idempotent), so that an
   * unreachable cluster fails here rather than at the first send. `timeoutMs` bounds the
   * retries (default: the client's retry deadline).
   */
  async connect(timeoutMs?: number): Promise<void> {
    await this.prepare();
    await this.cluster.connect(timeoutMs);
    if (this.idempotent && this.producerId < 0) await this.acquireProducerId();
  }

  /**
   * Queues `records` for `topic` and resolves once all of them are acknowledged (per `acks`),
   * or rejects with the first error (a {@link KafkaError}, RIV_ERR_TIMEOUT …). Waits first while
   * the producer's buffer is full. Records of one call keep their order within each partition.
   */
  async send(topic: string, records: readonly ProducerRecord[]): Promise<SendResult[]> {
    this.checkOpen();
    if (this.ready === null) this.ready = this.prepare();
    await this.ready;
    await this.buffer.waitForSpace();
    const info = this.cluster.cachedTopic(topic) ?? (await this.lookup(topic));
    this.checkOpen();
    if (records.length === 0) return [];
    return new Promise<SendResult[]>((resolve, reject) => {
      const delivery = new Delivery(resolve, reject);
      try {
        const now = Date.now();
        const full = this.buffer.append(topic, info.partitions.length, records, delivery, now);
        if (full || this.lingerMs <= 0 || this.flushing > 0) this.scheduleDrain();
        else this.armTimer(now + this.lingerMs);
      } catch (err) {
        delivery.fail(err as Error);
      }
    });
  }

  /** Sends every buffered record now and resolves when all are acknowledged (or failed). */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      this.scheduleDrain();
      while (!this.buffer.isIdle) await this.buffer.waitIdle();
    } finally {
      this.flushing--;
    }
  }

  /** Flushes, then closes the connections. Sends after close fail with RIV_ERR_CLIENT_CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.cluster.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new RivuletError('RIV_ERR_CLIENT_CLOSED', 'send() after the producer was closed');
  }

  private async prepare(): Promise<void> {
    if (this.compression === CompressionType.Zstd) await initCompression();
  }

  /** One metadata lookup per topic shared by concurrent sends, so they append in call order. */
  private lookup(topic: string): Promise<TopicInfo> {
    let p = this.lookups.get(topic);
    if (p === undefined) {
      p = this.cluster
        .topics([topic], { autoCreate: this.autoCreate })
        .then(([t]) => t!)
        .finally(() => this.lookups.delete(topic));
      this.lookups.set(topic, p);
    }
    return p;
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  private armTimer(at: number): void {
    if (at >= this.timerAt) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Infinity;
        this.drain();
      },
      Math.max(0, at - Date.now()),
    );
  }

  /** Takes every ready batch (full, lingered, flushing or retried) and sends them per leader. */
  private drain(): void {
    if (this.cluster.isClosed) return;
    if (this.idempotent && this.producerId < 0) {
      if (!this.buffer.isIdle)
        void this.acquireProducerId().then(
          () => {
            this.scheduleDrain();
          },
          (err: unknown) => {
            this.failAll(err);
          },
        );
      return;
    }
    const now = Date.now();
    // Per leader, request rounds: Kafka sends at most one batch per partition in a request, so
    // the k-th ready batch of every partition goes into round k.
    const byLeader = new Map<number, ProducerBatch[][]>();
    let wake = Infinity;
    const stale: string[] = [];
    for (const [topic, qs] of this.buffer.queues) {
      for (const q of qs) {
        if (q === undefined || q.batches.length === 0 || q.retrying !== null) continue;
        if (q.notBefore > now) {
          wake = Math.min(wake, q.notBefore);
          continue;
        }
        const leader = this.cluster.leaderOf(topic, q.partition);
        if (leader < 0) {
          stale.push(topic);
          continue;
        }
        let rounds = byLeader.get(leader);
        if (rounds === undefined) {
          rounds = [];
          byLeader.set(leader, rounds);
        }
        for (let k = 0; q.batches.length > 0 && q.inFlight < this.maxInFlight; k++) {
          const b = q.batches[0]!;
          if (!b.sealed && this.flushing === 0 && now - b.createdAt < this.lingerMs) {
            wake = Math.min(wake, b.createdAt + this.lingerMs);
            break;
          }
          q.batches.shift();
          b.sealed = true;
          this.buffer.rotateSticky(topic, q.partition, qs.length);
          this.encode(b, q);
          q.inFlight++;
          (rounds[k] ??= []).push(b);
        }
      }
    }
    for (const [leader, rounds] of byLeader) {
      for (const batches of rounds) {
        let start = 0;
        let bytes = 0;
        for (let i = 0; i < batches.length; i++) {
          const size = batches[i]!.encoded!.length;
          if (i > start && bytes + size > this.maxRequestBytes) {
            void this.produce(leader, batches.slice(start, i));
            start = i;
            bytes = 0;
          }
          bytes += size;
        }
        void this.produce(leader, start === 0 ? batches : batches.slice(start));
      }
    }
    if (stale.length > 0) this.refreshMetadata(stale);
    if (wake < Infinity) this.armTimer(wake);
  }

  /** Encodes a batch for the current producer id (again, if the id changed since). */
  private encode(b: ProducerBatch, q: PartitionQueue): void {
    if (b.encoded !== null && b.producerId === this.producerId && b.producerEpoch === this.producerEpoch)
      return;
    if (this.idempotent) {
      b.baseSequence = q.nextSequence;
      q.nextSequence = addSequence(q.nextSequence, b.records.length);
    }
    b.producerId = this.producerId;
    b.producerEpoch = this.producerEpoch;
    b.encoded = encodeRecordBatch({
      records: b.records,
      compression: this.compression,
      ...(this.compressionLevel === undefined ? {} : { compressionLevel: this.compressionLevel }),
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      baseSequence: b.baseSequence,
    });
  }

  private async produce(leader: number, batches: ProducerBatch[]): Promise<void> {
    const topics = new Map<string, TopicProduceData>();
    let bytes = 0;
    for (const b of batches) {
      let t = topics.get(b.topic);
      if (t === undefined) {
        t = { name: b.topic, partitionData: [] };
        topics.set(b.topic, t);
      }
      t.partitionData.push({ index: b.partition, records: b.encoded });
      bytes += b.encoded!.length + 8;
    }
    let res: ProduceResponse;
    try {
      const conn = await this.cluster.nodeConnection(leader);
      const version = conn.version(Produce);
      if (this.compression === CompressionType.Zstd && version < 7) {
        throw new RivuletError(
          'RIV_ERR_UNSUPPORTED_VERSION',
          `broker ${conn.address} has Produce v${version}; zstd compression needs v7 (Kafka 2.1)`,
        );
      }
      const req = Produce.createRequest({
        acks: this.acks,
        timeoutMs: this.cluster.options.requestTimeoutMs,
        topicData: [...topics.values()],
      });
      if (this.acks === 0) {
        await conn.sendNoResponse(Produce, version, req, { sizeHint: bytes });
        for (const b of batches) this.completed(b, -1, -1);
        return;
      }
      res = await conn.send(Produce, version, req, { sizeHint: bytes });
    } catch (err) {
      for (const b of batches) this.failed(b, err instanceof Error ? err : new Error(String(err)));
      return;
    }
    for (const b of batches) {
      const p = res.responses
        .find((t) => t.name === b.topic)
        ?.partitionResponses.find((x) => x.index === b.partition);
      if (p === undefined) {
        this.failed(
          b,
          new RivuletError('RIV_ERR_CONNECTION', `the Produce response left out ${b.topic}-${b.partition}`),
        );
      } else if (p.errorCode === ErrorCode.NONE || p.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
        this.completed(
          b,
          fromInt64(p.baseOffset, 'Produce baseOffset'),
          fromInt64(p.logAppendTimeMs, 'Produce logAppendTime'),
        );
      } else {
        this.failed(
          b,
          new KafkaError(p.errorCode, {
            api: 'Produce',
            topic: b.topic,
            partition: b.partition,
            brokerMessage: p.errorMessage,
          }),
        );
      }
    }
  }

  private completed(b: ProducerBatch, baseOffset: number, logAppendTime: number): void {
    const q = this.buffer.queue(b.topic, b.partition);
    q.inFlight--;
    b.complete(baseOffset, logAppendTime);
    this.buffer.release(b);
    this.settle(q);
  }

  /**
   * A batch failed. Retriable failures (connection, timeout, leadership, a sequence error caused
   * by an earlier failed batch, a producer id the broker lost) are resent in order within the
   * delivery timeout; anything else fails the records of that batch.
   */
  private failed(b: ProducerBatch, err: Error): void {
    const q = this.buffer.queue(b.topic, b.partition);
    q.inFlight--;
    let retriable = isRivuletError(err) && err.retriable;
    if (err instanceof KafkaError) {
      if (STALE_METADATA_ERRORS.has(err.errorCode)) this.cluster.invalidate([b.topic]);
      if (this.idempotent && PRODUCER_STATE_ERRORS.has(err.errorCode)) {
        // After an earlier batch of this partition failed, a gap is expected: resend in order.
        // Otherwise the broker lost or fenced our producer state: start over with a new id.
        if (q.retrying === null && b.producerId === this.producerId) this.resetProducerId();
        retriable = true;
      }
    }
    if (retriable && this.acks !== 0 && Date.now() - b.createdAt < this.deliveryTimeoutMs) {
      b.attempts++;
      (q.retrying ??= []).push(b);
    } else {
      b.fail(
        retriable
          ? new RivuletError(
              'RIV_ERR_TIMEOUT',
              `${b.topic}-${b.partition}: not delivered within ${this.deliveryTimeoutMs} ms: ${err.message}`,
              { cause: err },
            )
          : err,
      );
      this.buffer.release(b);
      // The sequence numbers after a failed batch would leave a gap: later batches need a new id.
      if (this.idempotent && b.producerId === this.producerId) this.resetProducerId();
    }
    this.settle(q);
  }

  /** Once a partition has nothing in flight, puts a retry round back at the head of its queue. */
  private settle(q: PartitionQueue): void {
    if (q.retrying !== null && q.inFlight === 0) {
      const retry = q.retrying.sort((x, y) => x.id - y.id);
      q.retrying = null;
      q.batches.unshift(...retry);
      q.notBefore = Date.now() + backoffMs(this.cluster.retry, retry[0]!.attempts);
    }
    if (q.batches.length > 0) this.scheduleDrain();
  }

  private resetProducerId(): void {
    this.producerId = -1;
    this.producerEpoch = -1;
    for (const qs of this.buffer.queues.values()) for (const q of qs) if (q !== undefined) q.nextSequence = 0;
  }

  /** InitProducerId (once at a time): a producer id and epoch for idempotent batches. */
  private acquireProducerId(): Promise<void> {
    this.acquiring ??= withRetry(this.cluster.retry, async () => {
      const conn = await this.cluster.anyConnection();
      const r = await conn.send(
        InitProducerId,
        conn.version(InitProducerId),
        InitProducerId.createRequest({
          transactionalId: null,
          // What Kafka's idempotent producer sends: no transaction, so no transaction timeout.
          transactionTimeoutMs: 2147483647,
          producerId: -1n,
          producerEpoch: -1,
        }),
      );
      if (r.errorCode !== ErrorCode.NONE) throw new KafkaError(r.errorCode, { api: 'InitProducerId' });
      return r;
    })
      .then((res) => {
        this.producerId = fromInt64(res.producerId, 'InitProducerId producerId');
        this.producerEpoch = res.producerEpoch;
      })
      .finally(() => {
        this.acquiring = null;
      });
    return this.acquiring;
  }

  /** Looks leaders up again for `topics`; queued batches of a topic that stays unknown fail. */
  private refreshMetadata(topics: string[]): void {
    if (this.refreshing) return;
    this.refreshing = true;
    const unique = [...new Set(topics)];
    this.cluster.invalidate(unique);
    this.cluster
      .topics(unique, { autoCreate: this.autoCreate })
      .then(
        () => {
          this.scheduleDrain();
        },
        (err: unknown) => {
          this.failAll(err, unique);
        },
      )
      .finally(() => {
        this.refreshing = false;
      });
  }

  private failAll(err: unknown, topics?: readonly string[]): void {
    this.buffer.failQueued(err instanceof Error ? err : new Error(String(err)), topics);
  }
}
