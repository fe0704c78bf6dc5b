import { initCompression } from '../protocol/records/compression.js';
import { producerBatchOf, validateAppendInput } from './append-validation.js';
import { type LogConfig, resolveLogConfig } from './config.js';
import { type Clock, systemClock } from './env.js';
import { StorageError } from './errors.js';
import type {
  AbortedTransaction,
  AppendOptions,
  AppendOutcome,
  CreateTopicOptions,
  DeleteRecordsResult,
  LogManager,
  PartitionLog,
  ReadOptions,
  ReadResult,
  TimestampOffset,
  TopicMetadata,
} from './log-types.js';
import { checkConfigs, checkNewTopic, MAX_PARTITIONS } from './topic-rules.js';
import { randomKafkaUuid } from './metadata-store.js';
import { type CompletedTxn, ProducerStateManager } from './producer-state.js';
import { BatchView } from '../protocol/records/batch-view.js';
import { firstAtOrAfter } from './timestamp-lookup.js';

interface StoredBatch {
  readonly base: number;
  readonly last: number;
  readonly maxTimestamp: number;
  readonly bytes: Buffer;
}

const EMPTY = Buffer.alloc(0);

/** Runs `fn`, turning a throw into a rejected promise (the LogManager contract is async). */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * The in-memory twin of FilePartitionLog, for unit tests of the layers above: the same
 * validation, offsets, producer-state rules, read budget, timestamp lookups and DeleteRecords,
 * with no files. Every append is acknowledged at once (durable or not). Retention drops whole
 * batches from the front (one batch stands in for a segment); compaction is not simulated.
 */
export class MemoryPartitionLog implements PartitionLog {
  readonly topic: string;
  readonly partition: number;
  status: 'online' | 'offline' | 'closed' = 'online';
  config: LogConfig;
  private readonly clock: Clock;
  private readonly producers = new ProducerStateManager();
  private batches: StoredBatch[] = [];
  private next = 0;
  private start = 0;
  private aborted: CompletedTxn[] = [];
  private readonly listeners = new Set<(hw: number) => void>();

  constructor(
    topic: string,
    partition: number,
    config: LogConfig = resolveLogConfig(),
    clock: Clock = systemClock,
  ) {
    this.topic = topic;
    this.partition = partition;
    this.config = config;
    this.clock = clock;
  }

  get highWatermark(): number {
    return this.next;
  }

  get logEndOffset(): number {
    return this.next;
  }

  get logStartOffset(): number {
    return this.start;
  }

  get lastStableOffset(): number {
    const unstable = this.producers.firstUnstableOffset;
    return unstable >= 0 ? Math.min(unstable, this.next) : this.next;
  }

  get sizeInBytes(): number {
    let total = 0;
    for (const b of this.batches) total += b.bytes.length;
    return total;
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  onHighWatermark(listener: (highWatermark: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(batches: Buffer, opts: AppendOptions): Promise<AppendOutcome> {
    if (this.status !== 'online') {
      return Promise.reject(
        new StorageError('closed', `partition ${this.topic}-${this.partition} is closed`),
      );
    }
    const now = this.clock.now();
    const stamp = opts.logAppendTime !== undefined || this.config.messageTimestampType === 'LogAppendTime';
    let views: ReturnType<typeof validateAppendInput>;
    try {
      views = validateAppendInput(batches, this.config, now, stamp);
    } catch (err) {
      // A start-up ordering bug (CompressionNotReadyError): the caller gets it as a rejection.
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (!Array.isArray(views)) return Promise.resolve(views);
    const first = views[0]!;
    const idempotent = first.producerId >= 0n;
    if (idempotent) {
      const check = this.producers.check(producerBatchOf(first, this.next));
      if (check.kind === 'duplicate') {
        return Promise.resolve({
          kind: 'duplicate',
          baseOffset: check.firstOffset,
          lastOffset: check.lastOffset,
          logAppendTime: -1,
          logStartOffset: this.start,
        });
      }
      if (check.kind !== 'ok') return Promise.resolve(check);
    }
    const base = this.next;
    const appendTime = stamp ? (opts.logAppendTime ?? now) : -1;
    for (const v of views) {
      v.setBaseOffset(this.next);
      v.setPartitionLeaderEpoch(0);
      if (appendTime >= 0) v.setLogAppendTime(appendTime);
      const bytes = Buffer.from(v.bytes);
      this.batches.push({
        base: this.next,
        last: v.lastOffsetNumber,
        maxTimestamp: v.maxTimestampNumber,
        bytes,
      });
      this.next = v.lastOffsetNumber + 1;
    }
    if (idempotent) {
      const done = this.producers.apply(producerBatchOf(first, base));
      if (done?.aborted === true) this.aborted.push(done);
    }
    for (const listener of this.listeners) listener(this.next);
    return Promise.resolve({
      kind: 'appended',
      baseOffset: base,
      lastOffset: this.next - 1,
      logAppendTime: appendTime,
      logStartOffset: this.start,
    });
  }

  private indexOf(offset: number): number {
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.batches[mid]!.last < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  read(offset: number, maxBytes: number, opts?: ReadOptions): Promise<ReadResult> {
    if (this.status === 'closed') return Promise.reject(new StorageError('closed', 'the log is closed'));
    const offsets = {
      highWatermark: this.next,
      logStartOffset: this.start,
      lastStableOffset: this.lastStableOffset,
    };
    if (offset < this.start || offset > this.next) {
      return Promise.resolve({ kind: 'offset-out-of-range', logEndOffset: this.next, ...offsets });
    }
    const limit = Math.min(this.next, opts?.maxOffset ?? Number.MAX_SAFE_INTEGER);
    const out: Buffer[] = [];
    let total = 0;
    for (let i = this.indexOf(offset); i < this.batches.length; i++) {
      const b = this.batches[i]!;
      if (b.base >= limit) break;
      if (total > 0 && total + b.bytes.length > maxBytes) break;
      out.push(b.bytes);
      total += b.bytes.length;
    }
    const records = out.length === 0 ? EMPTY : out.length === 1 ? out[0]! : Buffer.concat(out, total);
    return Promise.resolve({ kind: 'records', records, ...offsets });
  }

  offsetForTimestamp(timestamp: number): Promise<TimestampOffset | null> {
    for (const b of this.batches) {
      if (b.last < this.start || b.maxTimestamp < timestamp) continue;
      const found = firstAtOrAfter(BatchView.at(b.bytes), timestamp, this.start);
      if (found !== null) return Promise.resolve(found);
    }
    return Promise.resolve(null);
  }

  maxTimestamp(): Promise<TimestampOffset | null> {
    let best: StoredBatch | undefined;
    for (const b of this.batches)
      if (b.last >= this.start && b.maxTimestamp > (best?.maxTimestamp ?? -1)) best = b;
    if (best === undefined) return Promise.resolve(null);
    const view = BatchView.at(best.bytes);
    const max = best.maxTimestamp;
    if (view.logAppendTime)
      return Promise.resolve({ offset: Math.max(best.base, this.start), timestamp: max });
    return Promise.resolve(firstAtOrAfter(view, max, this.start) ?? { offset: best.last, timestamp: max });
  }

  deleteRecords(beforeOffset: number): Promise<DeleteRecordsResult> {
    const target = beforeOffset === -1 ? this.next : beforeOffset;
    if (target < 0 || target > this.next) {
      return Promise.resolve({
        kind: 'offset-out-of-range',
        highWatermark: this.next,
        logStartOffset: this.start,
      });
    }
    if (target > this.start) {
      this.start = target;
      this.batches = this.batches.filter((b) => b.last >= target);
    }
    return Promise.resolve({ kind: 'deleted', lowWatermark: this.start });
  }

  abortedTransactions(from: number, to: number): AbortedTransaction[] {
    return this.aborted
      .filter((t) => t.lastOffset >= from && t.firstOffset < to)
      .map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset, lastOffset: t.lastOffset }));
  }

  /** Time and size retention at batch granularity (the active "segment" is the last batch). */
  applyRetention(now: number): void {
    if (!this.config.cleanupDelete) return;
    let total = this.sizeInBytes;
    while (this.batches.length > 1) {
      const b = this.batches[0]!;
      const expired = this.config.retentionMs >= 0 && now - b.maxTimestamp > this.config.retentionMs;
      const oversize =
        this.config.retentionBytes >= 0 && total - b.bytes.length >= this.config.retentionBytes;
      if (!expired && !oversize) break;
      this.batches.shift();
      total -= b.bytes.length;
      this.start = Math.max(this.start, b.last + 1);
    }
  }

  close(): void {
    this.status = 'closed';
    this.listeners.clear();
  }
}

/**
 * The in-memory {@link LogManager}: same validation and errors, nothing persisted. Its
 * constructor starts loading zstd (`initCompression()`); a zstd batch that must be opened (a
 * compacted topic's key check, timestamp limits, a timestamp lookup) before {@link ready}
 * resolves is refused with `CompressionNotReadyError` — await `ready` first where that matters.
 */
export class MemoryLogManager implements LogManager {
  readonly clusterId = randomKafkaUuid();
  readonly nodeId: number;
  /** Resolves once every codec (zstd included) is usable. */
  readonly ready: Promise<void>;
  private readonly defaults: Readonly<Record<string, string>>;
  private readonly clock: Clock;
  private readonly byName = new Map<string, TopicMetadata>();
  private readonly logs = new Map<string, MemoryPartitionLog>();

  constructor(opts: { nodeId?: number; defaults?: Readonly<Record<string, string>>; clock?: Clock } = {}) {
    this.nodeId = opts.nodeId ?? 1;
    this.defaults = opts.defaults ?? {};
    this.clock = opts.clock ?? systemClock;
    this.ready = initCompression();
    // A failed load surfaces where zstd is needed (CompressionNotReadyError), not as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  topics(): TopicMetadata[] {
    return [...this.byName.values()];
  }

  topic(name: string): TopicMetadata | undefined {
    return this.byName.get(name);
  }

  topicById(topicId: string): TopicMetadata | undefined {
    return this.topics().find((t) => t.topicId === topicId);
  }

  topicConfig(name: string): LogConfig | undefined {
    const t = this.byName.get(name);
    return t === undefined ? undefined : resolveLogConfig(t.configs, this.defaults);
  }

  log(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(`${topic}\u0000${partition}`);
  }

  private addPartitions(topic: TopicMetadata, from: number): void {
    const config = resolveLogConfig(topic.configs, this.defaults);
    for (let p = from; p < topic.partitions; p++) {
      this.logs.set(`${topic.name}\u0000${p}`, new MemoryPartitionLog(topic.name, p, config, this.clock));
    }
  }

  createTopic(name: string, opts: CreateTopicOptions): Promise<TopicMetadata> {
    return settle(() => this.create(name, opts));
  }

  private create(name: string, opts: CreateTopicOptions): TopicMetadata {
    checkNewTopic(name, opts, this.topics());
    const topic: TopicMetadata = {
      name,
      topicId: randomKafkaUuid(),
      partitions: opts.partitions,
      configs: { ...(opts.configs ?? {}) },
    };
    this.byName.set(name, topic);
    this.addPartitions(topic, 0);
    return topic;
  }

  deleteTopic(name: string): Promise<void> {
    return settle(() => {
      this.remove(name);
    });
  }

  private remove(name: string): void {
    const topic = this.byName.get(name);
    if (topic === undefined) throw new StorageError('unknown-topic', `topic '${name}' does not exist`);
    this.byName.delete(name);
    for (let p = 0; p < topic.partitions; p++) {
      this.logs.get(`${name}\u0000${p}`)?.close();
      this.logs.delete(`${name}\u0000${p}`);
    }
  }

  createPartitions(name: string, totalPartitions: number): Promise<TopicMetadata> {
    return settle(() => this.grow(name, totalPartitions));
  }

  private grow(name: string, totalPartitions: number): TopicMetadata {
    const topic = this.byName.get(name);
    if (topic === undefined) throw new StorageError('unknown-topic', `topic '${name}' does not exist`);
    if (
      !Number.isInteger(totalPartitions) ||
      totalPartitions <= topic.partitions ||
      totalPartitions > MAX_PARTITIONS
    ) {
      throw new StorageError('invalid-partitions', `${totalPartitions} is not a larger partition count`);
    }
    const grown = { ...topic, partitions: totalPartitions };
    this.byName.set(name, grown);
    this.addPartitions(grown, topic.partitions);
    return grown;
  }

  setTopicConfigs(name: string, configs: Readonly<Record<string, string>>): Promise<TopicMetadata> {
    return settle(() => this.configure(name, configs));
  }

  private configure(name: string, configs: Readonly<Record<string, string>>): TopicMetadata {
    const topic = this.byName.get(name);
    if (topic === undefined) throw new StorageError('unknown-topic', `topic '${name}' does not exist`);
    checkConfigs(configs);
    const updated = { ...topic, configs: { ...configs } };
    this.byName.set(name, updated);
    const config = resolveLogConfig(updated.configs, this.defaults);
    for (let p = 0; p < topic.partitions; p++) this.logs.get(`${name}\u0000${p}`)?.updateConfig(config);
    return updated;
  }

  runMaintenance(): Promise<void> {
    const now = this.clock.now();
    for (const log of this.logs.values()) log.applyRetention(now);
    return Promise.resolve();
  }

  close(): Promise<void> {
    for (const log of this.logs.values()) log.close();
    return Promise.resolve();
  }
}
