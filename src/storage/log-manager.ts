import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { initCompression } from '../protocol/records/compression.js';
import { compactPartition } from './compaction.js';
import { type LogConfig, resolveLogConfig } from './config.js';
import { type Clock, type Logger, silentLogger, systemClock } from './env.js';
import { StorageError } from './errors.js';
import { CLEAN_SHUTDOWN_FILE, METADATA_FILE, parsePartitionDirName, partitionDirName } from './file-names.js';
import { type FileIo, fsyncDir, nodeFileIo, writeFileAtomic } from './file-io.js';
import type { CreateTopicOptions, LogManager, PartitionLog, TopicMetadata } from './log-types.js';
import { MetadataStore, randomKafkaUuid } from './metadata-store.js';
import type { FilePartitionLog } from './partition-log.js';
import { openPartitionLog } from './partition-open.js';
import { applyRetention } from './retention.js';
import { checkConfigs, checkNewTopic, MAX_PARTITIONS } from './topic-rules.js';

export interface LogManagerOptions {
  /** Directory holding metadata.json and one directory per partition. Created if missing. */
  readonly dataDir: string;
  /** Node-wide topic config defaults, by Kafka topic-config name (e.g. `'retention.ms'`). */
  readonly defaults?: Readonly<Record<string, string>>;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** File-system calls (tests inject faults here). */
  readonly io?: FileIo;
  /** Node id recorded when the data directory is new (default 1). */
  readonly nodeId?: number;
  /** Period of the retention/compaction pass (default 5 minutes, Kafka's); 0 disables the timer. */
  readonly maintenanceIntervalMs?: number;
  /** Producer ids idle this long are forgotten (default 1 day, Kafka's producer.id.expiration.ms). */
  readonly producerIdExpirationMs?: number;
  /** Partitions recovered at once on open (default 4). */
  readonly recoveryConcurrency?: number;
  /**
   * Non-durable bytes a partition may have unsynced before it starts an fsync without waiting
   * for `flush.ms` / `flush.messages` (default 16 MiB): bounds the work of each fsync, so that
   * writes running beside it are never stalled for long. See docs/storage.md, "Appending".
   */
  readonly writebackBytes?: number;
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * Opens the node's storage: loads (or creates) the metadata store, recovers every partition
 * (resolving only when all are ready, so the broker serves nothing half-recovered), removes
 * directories of deleted topics, and clears the clean-shutdown marker.
 *
 * @example
 * const logs = await openLogManager({ dataDir: '/var/lib/rivulet', logger });
 * await logs.createTopic('orders', { partitions: 3 });
 * await logs.log('orders', 0)!.append(batch, { durable: true });
 * await logs.close();
 */
export async function openLogManager(opts: LogManagerOptions): Promise<FileLogManager> {
  // Recovery, compaction and some append checks may open zstd batches (see batch-records.ts).
  await initCompression();
  const io = opts.io ?? nodeFileIo;
  const logger = opts.logger ?? silentLogger;
  await io.mkdir(opts.dataDir);
  const entries = await io.readdir(opts.dataDir);
  const hasPartitionDirs = entries.some((e) => parsePartitionDirName(e) !== undefined);
  const store = await MetadataStore.open(io, opts.dataDir, {
    nodeId: opts.nodeId ?? 1,
    create: !hasPartitionDirs || entries.includes(METADATA_FILE),
  });
  const markerFile = path.join(opts.dataDir, CLEAN_SHUTDOWN_FILE);
  const clean = entries.includes(CLEAN_SHUTDOWN_FILE);
  const manager = new FileLogManager(opts, io, logger, store);
  const started = Date.now();
  await manager.openAll(clean);
  for (const entry of entries) {
    if (entry.endsWith('.tmp')) {
      // An atomic replace (metadata, marker) interrupted before its rename.
      await io.unlink(path.join(opts.dataDir, entry)).catch(() => undefined);
      continue;
    }
    if (entry.endsWith('-delete')) {
      manager.track(io.rmTree(path.join(opts.dataDir, entry)));
      continue;
    }
    const parsed = parsePartitionDirName(entry);
    if (parsed === undefined) continue;
    const topic = store.get(parsed.topic);
    if (topic === undefined || parsed.partition >= topic.partitions) {
      logger.warn('directory of an unknown partition left in place', { dir: entry });
    }
  }
  if (clean) {
    await io.unlink(markerFile);
    await fsyncDir(io, opts.dataDir);
  }
  logger.info('storage ready', {
    dataDir: opts.dataDir,
    partitions: manager.partitionCount,
    cleanShutdown: clean,
    ms: Date.now() - started,
  });
  manager.startTimer();
  return manager;
}

/** The on-disk {@link LogManager}. */
export class FileLogManager implements LogManager {
  private readonly opts: LogManagerOptions;
  private readonly io: FileIo;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly store: MetadataStore;
  private readonly logs = new Map<string, FilePartitionLog>();
  private readonly background = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private maintaining: Promise<void> | undefined;
  private closed = false;

  constructor(opts: LogManagerOptions, io: FileIo, logger: Logger, store: MetadataStore) {
    this.opts = opts;
    this.io = io;
    this.logger = logger;
    this.clock = opts.clock ?? systemClock;
    this.store = store;
  }

  get clusterId(): string {
    return this.store.clusterId;
  }

  get nodeId(): number {
    return this.store.nodeId;
  }

  get partitionCount(): number {
    return this.logs.size;
  }

  track(p: Promise<unknown>): void {
    const done = p.catch((err: unknown) => {
      this.logger.warn('background storage task failed', { error: String(err) });
    });
    this.background.add(done);
    void done.finally(() => this.background.delete(done));
  }

  async openAll(clean: boolean): Promise<void> {
    const work: { topic: TopicMetadata; partition: number }[] = [];
    for (const topic of this.store.topics()) {
      for (let p = 0; p < topic.partitions; p++) work.push({ topic, partition: p });
    }
    await inParallel(work, this.opts.recoveryConcurrency ?? 4, async ({ topic, partition }) => {
      await this.openPartition(topic, partition, clean);
    });
  }

  private async openPartition(topic: TopicMetadata, partition: number, clean: boolean): Promise<void> {
    const log = await openPartitionLog({
      dir: path.join(this.opts.dataDir, partitionDirName(topic.name, partition)),
      topic: topic.name,
      partition,
      topicId: topic.topicId,
      config: this.configFor(topic),
      io: this.io,
      clock: this.clock,
      logger: this.logger,
      clean,
      ...(this.opts.writebackBytes === undefined ? {} : { writebackBytes: this.opts.writebackBytes }),
    });
    this.logs.set(key(topic.name, partition), log);
  }

  startTimer(): void {
    const every = this.opts.maintenanceIntervalMs ?? 300_000;
    if (every <= 0) return;
    this.timer = setInterval(() => {
      if (this.maintaining === undefined) void this.runMaintenance();
    }, every);
    this.timer.unref();
  }

  private configFor(topic: TopicMetadata): LogConfig {
    return resolveLogConfig(topic.configs, this.opts.defaults ?? {});
  }

  topics(): TopicMetadata[] {
    return this.store.topics();
  }

  topic(name: string): TopicMetadata | undefined {
    return this.store.get(name);
  }

  topicById(topicId: string): TopicMetadata | undefined {
    return this.store.getById(topicId);
  }

  topicConfig(name: string): LogConfig | undefined {
    const topic = this.store.get(name);
    return topic === undefined ? undefined : this.configFor(topic);
  }

  log(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(key(topic, partition));
  }

  /** The on-disk log (tests and tools that need more than the PartitionLog interface). */
  fileLog(topic: string, partition: number): FilePartitionLog | undefined {
    return this.logs.get(key(topic, partition));
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('closed', 'the log manager is closed');
  }

  async createTopic(name: string, opts: CreateTopicOptions): Promise<TopicMetadata> {
    this.checkOpen();
    checkNewTopic(name, opts, this.store.topics());
    const configs = { ...(opts.configs ?? {}) };
    const topic: TopicMetadata = { name, topicId: randomKafkaUuid(), partitions: opts.partitions, configs };
    for (let p = 0; p < topic.partitions; p++) await this.moveStrayDir(name, p);
    await this.store.put(topic);
    for (let p = 0; p < topic.partitions; p++) await this.openPartition(topic, p, false);
    return topic;
  }

  /** A directory left by an earlier topic of the same name must never show through. */
  private async moveStrayDir(topic: string, partition: number): Promise<void> {
    const dir = path.join(this.opts.dataDir, partitionDirName(topic, partition));
    if (!(await this.io.exists(dir))) return;
    const stray = `${dir}.${randomBytes(8).toString('hex')}-stray`;
    this.logger.warn('moving a stray partition directory out of the way', { dir, to: stray });
    await this.io.rename(dir, stray);
    await fsyncDir(this.io, this.opts.dataDir);
  }

  async deleteTopic(name: string): Promise<void> {
    this.checkOpen();
    const topic = this.store.get(name);
    if (topic === undefined) throw new StorageError('unknown-topic', `topic '${name}' does not exist`);
    await this.store.remove(name);
    for (let p = 0; p < topic.partitions; p++) {
      const log = this.logs.get(key(name, p));
      this.logs.delete(key(name, p));
      if (log !== undefined) await log.close();
      const dir = path.join(this.opts.dataDir, partitionDirName(name, p));
      const doomed = `${dir}.${topic.topicId.replaceAll('-', '_')}-delete`;
      try {
        await this.io.rename(dir, doomed);
      } catch {
        continue;
      }
      this.track(this.io.rmTree(doomed));
    }
    await fsyncDir(this.io, this.opts.dataDir);
  }

  async createPartitions(name: string, totalPartitions: number): Promise<TopicMetadata> {
    this.checkOpen();
    const topic = this.store.get(name);
    if (topic === undefined) throw new StorageError('unknown-topic', `topic '${name}' does not exist`);
    if (
      !Number.isInteger(totalPartitions) ||
      totalPartitions <= topic.partitions ||
      totalPartitions > MAX_PARTITIONS
    ) {
      throw new StorageError(
        'invalid-partitions',
        `topic '${name}' has ${topic.partitions} partitions; ${totalPartitions} is not a larger count up to ${MAX_PARTITIONS}`,
      );
    }
    const grown: TopicMetadata = { ...topic, partitions: totalPartitions };
    for (let p = topic.partitions; p < totalPartitions; p++) await this.moveStrayDir(name, p);
    await this.store.put(grown);
    for (let p = topic.partitions; p < totalPartitions; p++) await this.openPartition(grown, p, false);
    return grown;
  }

  async setTopicConfigs(name: string, configs: Readonly<Record<string, string>>): Promise<TopicMetadata> {
    this.checkOpen();
    const topic = this.store.get(name);
    if (topic === undefined) throw new StorageError('unknown-topic', `topic '${name}' does not exist`);
    checkConfigs(configs);
    const updated: TopicMetadata = { ...topic, configs: { ...configs } };
    const config = this.configFor(updated);
    await this.store.put(updated);
    for (let p = 0; p < topic.partitions; p++) this.logs.get(key(name, p))?.updateConfig(config);
    return updated;
  }

  runMaintenance(): Promise<void> {
    this.maintaining ??= this.maintain().finally(() => {
      this.maintaining = undefined;
    });
    return this.maintaining;
  }

  private async maintain(): Promise<void> {
    const expiry = this.opts.producerIdExpirationMs ?? 86_400_000;
    for (const log of [...this.logs.values()]) {
      if (this.closed) return;
      const now = this.clock.now();
      try {
        await applyRetention(log, now);
        if (log.config.cleanupCompact) {
          const result = await compactPartition(log, { io: this.io, logger: this.logger, now });
          if (result !== undefined) {
            this.logger.info('compacted', { topic: log.topic, partition: log.partition, ...result });
          }
        }
        log.producers.expire(now - expiry);
      } catch (err) {
        this.logger.error('maintenance of a partition failed', {
          topic: log.topic,
          partition: log.partition,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.maintaining;
    const unclean: string[] = [];
    await inParallel([...this.logs.values()], 8, async (log) => {
      if (!(await log.close())) unclean.push(`${log.topic}-${log.partition}`);
    });
    await Promise.all([...this.background]);
    if (unclean.length === 0) {
      await writeFileAtomic(this.io, path.join(this.opts.dataDir, CLEAN_SHUTDOWN_FILE), Buffer.alloc(0));
    } else {
      this.logger.warn('not every partition closed cleanly: the next start recovers them', {
        partitions: unclean,
      });
    }
  }
}
