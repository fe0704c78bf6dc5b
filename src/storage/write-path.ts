import type { BatchView } from '../protocol/records/batch-view.js';
import { producerBatchOf, validateAppendInput } from './append-validation.js';
import type { LogConfig } from './config.js';
import type { Clock, Logger } from './env.js';
import { StorageError, ioError } from './errors.js';
import { type FileIo, writeFully } from './file-io.js';
import type { AppendOptions, AppendOutcome } from './log-types.js';
import type { CompletedTxn, ProducerStateManager } from './producer-state.js';
import type { Segment } from './segment.js';
import { SyncScheduler } from './sync-scheduler.js';

const INT32_MAX = 0x7fffffff;
/**
 * Largest write group: IOV_MAX buffers, and 1 MiB unless its first append alone is larger. The
 * byte cap bounds how long the first append of a group waits; it is a hard cap because larger
 * pwritevs measured slower here (eight 256 KiB appends in flight, grouped five to a 1.25 MiB
 * pwritev: 0.6–1.1× a plain write loop; four to a 1 MiB one: 1.3–1.7×).
 */
const MAX_GROUP_BUFFERS = 1024;
const MAX_GROUP_BYTES = 1024 * 1024;
/**
 * Default of {@link WriteHost.writebackBytes}. While an fdatasync writes back a large amount of
 * dirty data, concurrent writes to the same ext4 file crawl (measured here: ~150 MB/s during a
 * 1 GiB sync, against 2+ GB/s without), so a once-a-second sync of everything written in that
 * second stalls producers for hundreds of milliseconds. Syncing whenever this much is unsynced
 * keeps each sync, and so each stall, small; the total written back is the same.
 */
export const DEFAULT_WRITEBACK_BYTES = 16 * 1024 * 1024;

interface PendingAppend {
  readonly kind: 'append';
  /** Resolved or rejected (by the writer, so a failure of the group spares it). */
  settled: boolean;
  readonly buf: Buffer;
  readonly views: BatchView[];
  readonly durable: boolean;
  /** Log-append time to stamp, or -1. */
  readonly appendTime: number;
  readonly resolve: (outcome: AppendOutcome) => void;
  readonly reject: (err: unknown) => void;
}

/** A roll requested by maintenance (time retention of the active segment). */
interface RollRequest {
  readonly kind: 'roll';
  settled: boolean;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

type QueueItem = PendingAppend | RollRequest;

interface Prepared {
  readonly append: PendingAppend;
  readonly outcome: AppendOutcome;
  readonly write: boolean;
  readonly completed: CompletedTxn | undefined;
}

/** An acknowledged-or-pending append, in log order; the high watermark follows the done prefix. */
interface Visibility {
  readonly segment: Segment;
  readonly endPosition: number;
  readonly endOffset: number;
  readonly seq: number;
  done: boolean;
  readonly append: PendingAppend | undefined;
  readonly outcome: AppendOutcome | undefined;
}

/** What the write path needs from the log that owns it. */
export interface WriteHost {
  readonly topic: string;
  readonly partition: number;
  readonly dir: string;
  readonly config: LogConfig;
  readonly io: FileIo;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly leaderEpoch: number;
  readonly producers: ProducerStateManager;
  /** Unsynced bytes after which an fsync starts without waiting for `flush.ms` / `flush.messages`. */
  readonly writebackBytes: number;
  /** The segment appends go to. */
  readonly active: Segment;
  readonly logStartOffset: number;
  /** Starts a new segment at the current log end offset. */
  roll(): Promise<void>;
}

/**
 * The append path of a partition log. Appends are validated and queued in call order; one
 * writer at a time takes everything queued (up to 1024 buffers / about 1 MiB), checks producer
 * state, assigns offsets, and writes it with one pwritev at the end of the active segment.
 * Non-durable appends resolve when that write returns; durable ones when a group-commit fsync
 * covering it completes (SyncScheduler). Non-durable data is fsynced after `flush.ms`, after
 * `flush.messages`, or as soon as `writebackBytes` are unsynced, whichever comes first. The high watermark is the end of the longest prefix
 * of resolved appends, so a reader never sees bytes whose append could still fail.
 */
export class WritePath {
  private readonly host: WriteHost;
  readonly sync: SyncScheduler;
  status: 'online' | 'offline' | 'closed' = 'online';
  /** Offset the next append gets. */
  nextOffset: number;
  private pendingNext = 0;
  /** End of the acknowledged prefix. */
  hw: number;
  accepting = true;
  private queue: QueueItem[] = [];
  private writing: Promise<void> | undefined;
  private visible: Visibility[] = [];
  private visibleHead = 0;
  readonly listeners = new Set<(hw: number) => void>();
  private flushTimer: NodeJS.Timeout | undefined;
  private unflushedMessages = 0;

  constructor(host: WriteHost, logEndOffset: number) {
    this.host = host;
    this.nextOffset = logEndOffset;
    this.hw = logEndOffset;
    this.sync = new SyncScheduler(
      host.io,
      host.dir,
      (seq) => {
        this.synced(seq);
      },
      (err) => {
        this.goOffline(err);
      },
    );
  }

  /** Stops taking appends and waits until everything queued was written (or failed). */
  async drain(): Promise<void> {
    this.accepting = false;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    while (this.writing !== undefined) await this.writing;
  }

  /** A method, not a field test, so narrowing does not survive the awaits around it. */
  isOnline(): boolean {
    return this.status === 'online';
  }

  unavailable(): StorageError {
    if (this.status === 'offline') {
      return new StorageError(
        'offline',
        `partition ${this.host.topic}-${this.host.partition} is read-only after an fsync failure`,
        this.sync.failure === undefined ? undefined : { cause: this.sync.failure },
      );
    }
    return new StorageError('closed', `partition ${this.host.topic}-${this.host.partition} is closed`);
  }

  /** Validates and queues an append (see PartitionLog.append). */
  append(batches: Buffer, opts: AppendOptions): Promise<AppendOutcome> {
    if (this.status !== 'online' || !this.accepting) return Promise.reject(this.unavailable());
    const now = this.host.clock.now();
    const stamp =
      opts.logAppendTime !== undefined || this.host.config.messageTimestampType === 'LogAppendTime';
    let views: ReturnType<typeof validateAppendInput>;
    try {
      views = validateAppendInput(batches, this.host.config, now, stamp);
    } catch (err) {
      // A start-up ordering bug (CompressionNotReadyError): the caller gets it as a rejection.
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (!Array.isArray(views)) return Promise.resolve(views);
    return new Promise<AppendOutcome>((resolve, reject) => {
      this.queue.push({
        kind: 'append',
        settled: false,
        buf: batches,
        views,
        durable: opts.durable,
        appendTime: stamp ? (opts.logAppendTime ?? now) : -1,
        resolve,
        reject,
      });
      this.writing ??= this.writeLoop();
    });
  }

  /** Rolls the active segment through the write queue (so it is ordered with appends). */
  requestRoll(): Promise<void> {
    if (this.status !== 'online') return Promise.reject(this.unavailable());
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'roll', settled: false, resolve, reject });
      this.writing ??= this.writeLoop();
    });
  }

  private async writeLoop(): Promise<void> {
    while (this.queue.length > 0) {
      if (this.status !== 'online') {
        const err = this.unavailable();
        for (const item of this.queue.splice(0)) item.reject(err);
        break;
      }
      const group = this.takeGroup();
      try {
        await this.writeGroup(group);
      } catch (err) {
        const error = ioError(`append to ${this.host.topic}-${this.host.partition}`, err);
        this.host.logger.error('append failed', {
          topic: this.host.topic,
          partition: this.host.partition,
          error: error.message,
        });
        for (const item of group) if (!item.settled) item.reject(error);
      }
    }
    this.writing = undefined;
  }

  /** The next write group: appends in queue order, at most MAX_GROUP_BYTES unless the first alone is larger. */
  private takeGroup(): QueueItem[] {
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && n < MAX_GROUP_BUFFERS) {
      const item = this.queue[n]!;
      const size = item.kind === 'append' ? item.buf.length : 0;
      if (n > 0 && bytes + size > MAX_GROUP_BYTES) break;
      bytes += size;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async writeGroup(group: QueueItem[]): Promise<void> {
    let sub: Prepared[] = [];
    let subBytes = 0;
    this.pendingNext = this.nextOffset;
    this.host.producers.begin();
    const flushSub = async (): Promise<void> => {
      if (sub.length === 0) return;
      const items = sub;
      sub = [];
      subBytes = 0;
      for (const p of items) p.append.settled = true;
      await this.writeSub(items);
      this.pendingNext = this.nextOffset;
      this.host.producers.begin();
    };
    try {
      for (const item of group) {
        if (this.status !== 'online') {
          item.settled = true;
          item.reject(this.unavailable());
          continue;
        }
        if (item.kind === 'roll') {
          await flushSub();
          if (this.host.active.size > 0) await this.host.roll();
          item.settled = true;
          item.resolve();
          continue;
        }
        let records = 0;
        let maxTimestamp = -1;
        for (const v of item.views) {
          records += v.lastOffsetDelta + 1;
          maxTimestamp = Math.max(
            maxTimestamp,
            item.appendTime >= 0 ? item.appendTime : v.maxTimestampNumber,
          );
        }
        if (this.shouldRoll(item.buf.length, subBytes, this.pendingNext + records - 1, maxTimestamp)) {
          await flushSub();
          if (!this.isOnline()) {
            item.settled = true;
            item.reject(this.unavailable());
            continue;
          }
          await this.host.roll();
        }
        const prepared = this.prepare(item);
        sub.push(prepared);
        if (prepared.write) subBytes += item.buf.length;
      }
      await flushSub();
    } finally {
      this.host.producers.rollback();
    }
  }

  /**
   * Kafka's roll rules: the segment is not empty and the batch would pass `segment.bytes`, an
   * index is full, relative offsets would overflow, or — `segment.ms` — the incoming batch's
   * timestamp is that far past the segment's first batch (record time, so a producer replaying
   * old data does not roll a segment per append); a segment without timestamps ages by clock.
   */
  private shouldRoll(
    incoming: number,
    pendingBytes: number,
    lastOffset: number,
    maxTimestamp: number,
  ): boolean {
    const seg = this.host.active;
    const size = seg.size + pendingBytes;
    if (size === 0) return false;
    if (size + incoming > this.host.config.segmentBytes) return true;
    if (seg.isIndexFull) return true;
    if (lastOffset - seg.baseOffset > INT32_MAX) return true;
    const waited =
      seg.rollTimestamp >= 0 ? maxTimestamp - seg.rollTimestamp : this.host.clock.now() - seg.createdAt;
    return waited > this.host.config.segmentMs;
  }

  private prepare(a: PendingAppend): Prepared {
    const first = a.views[0]!;
    const idempotent = first.producerId >= 0n;
    if (idempotent) {
      const check = this.host.producers.check(producerBatchOf(first, this.pendingNext));
      if (check.kind === 'duplicate') {
        return {
          append: a,
          write: false,
          completed: undefined,
          outcome: {
            kind: 'duplicate',
            baseOffset: check.firstOffset,
            lastOffset: check.lastOffset,
            logAppendTime: -1,
            logStartOffset: this.host.logStartOffset,
          },
        };
      }
      if (check.kind !== 'ok') return { append: a, write: false, completed: undefined, outcome: check };
    }
    const base = this.pendingNext;
    for (const v of a.views) {
      v.setBaseOffset(this.pendingNext);
      v.setPartitionLeaderEpoch(this.host.leaderEpoch);
      if (a.appendTime >= 0) v.setLogAppendTime(a.appendTime);
      this.pendingNext += v.lastOffsetDelta + 1;
    }
    const completed = idempotent ? this.host.producers.apply(producerBatchOf(first, base)) : undefined;
    return {
      append: a,
      write: true,
      completed,
      outcome: {
        kind: 'appended',
        baseOffset: base,
        lastOffset: this.pendingNext - 1,
        logAppendTime: a.appendTime,
        logStartOffset: this.host.logStartOffset,
      },
    };
  }

  private async writeSub(sub: Prepared[]): Promise<void> {
    if (!this.isOnline()) {
      this.abandonSub(sub);
      return;
    }
    const seg = this.host.active;
    const start = seg.size;
    const bufs: Buffer[] = [];
    let bytes = 0;
    for (const p of sub) {
      if (p.write) {
        bufs.push(p.append.buf);
        bytes += p.append.buf.length;
      }
    }
    if (bufs.length > 0) {
      try {
        await writeFully(this.host.io, seg.fd, bufs, start);
      } catch (err) {
        this.host.producers.rollback();
        this.pendingNext = this.nextOffset;
        const error = ioError(`write ${seg.file}`, err);
        await this.undoWrite(seg, start, error);
        for (const p of sub) p.append.reject(error);
        return;
      }
    }
    if (!this.isOnline()) {
      // An fsync failed while this write ran: nothing after it may be acknowledged.
      this.abandonSub(sub);
      return;
    }
    this.host.producers.commit();
    let pos = start;
    let offset = this.nextOffset;
    let nonDurableRecords = 0;
    let needSync = false;
    const seq = bufs.length > 0 ? this.sync.written(seg, bytes) : this.sync.writeSeq;
    for (const p of sub) {
      const outcome = p.outcome;
      if (outcome.kind !== 'appended' && outcome.kind !== 'duplicate') {
        p.append.resolve(outcome);
        continue;
      }
      if (p.write) {
        for (const v of p.append.views) {
          seg.indexBatch(pos, v.size, v.lastOffsetNumber, v.maxTimestampNumber);
          pos += v.size;
        }
        offset = outcome.lastOffset + 1;
        if (p.completed?.aborted === true) seg.aborted.push(p.completed);
      }
      const durable = p.append.durable && seq > this.sync.syncedSeq;
      this.visible.push({
        segment: seg,
        endPosition: pos,
        endOffset: offset,
        seq,
        done: !durable,
        append: durable ? p.append : undefined,
        outcome: durable ? outcome : undefined,
      });
      if (durable) {
        needSync = true;
      } else {
        p.append.resolve(outcome);
        if (p.write && !p.append.durable) nonDurableRecords += outcome.lastOffset - outcome.baseOffset + 1;
      }
    }
    if (seg.verified === start) seg.verified = pos;
    seg.size = pos;
    this.nextOffset = offset;
    this.advanceHighWatermark();
    if (needSync) this.sync.want(seq);
    else if (this.sync.unsyncedBytes >= this.host.writebackBytes) this.sync.want();
    if (nonDurableRecords > 0) this.scheduleFlush(nonDurableRecords);
  }

  private abandonSub(sub: readonly Prepared[]): void {
    this.host.producers.rollback();
    this.pendingNext = this.nextOffset;
    const err = this.unavailable();
    for (const p of sub) p.append.reject(err);
  }

  /**
   * A failed write may have left part of its bytes: cut them off so the file ends at the last
   * acknowledged batch. A full disk is transient and the partition stays writable; any other
   * error (or a failed truncate) takes the partition offline.
   */
  private async undoWrite(seg: Segment, start: number, error: StorageError): Promise<void> {
    this.host.logger.error('write failed; dropping its partial bytes', {
      file: seg.file,
      position: start,
      error: error.message,
    });
    try {
      await this.host.io.ftruncate(seg.fd, start);
    } catch (err) {
      this.goOffline(ioError(`truncate ${seg.file} after a failed write`, err));
      return;
    }
    if (error.code !== 'disk-full') this.goOffline(error);
  }

  private scheduleFlush(records: number): void {
    this.unflushedMessages += records;
    if (this.unflushedMessages >= this.host.config.flushMessages || this.host.config.flushMs === 0) {
      this.unflushedMessages = 0;
      this.sync.want();
      return;
    }
    if (this.flushTimer === undefined && this.host.config.flushMs < Number.MAX_SAFE_INTEGER) {
      this.flushTimer = setTimeout(
        () => {
          this.flushTimer = undefined;
          this.unflushedMessages = 0;
          this.sync.want();
        },
        Math.min(this.host.config.flushMs, INT32_MAX),
      );
      this.flushTimer.unref();
    }
  }

  private synced(seq: number): void {
    for (let i = this.visibleHead; i < this.visible.length; i++) {
      const v = this.visible[i]!;
      if (v.seq > seq) break;
      if (!v.done) {
        v.done = true;
        v.append!.resolve(v.outcome!);
      }
    }
    this.advanceHighWatermark();
  }

  private advanceHighWatermark(): void {
    let hw = this.hw;
    while (this.visibleHead < this.visible.length) {
      const v = this.visible[this.visibleHead]!;
      if (!v.done) break;
      if (v.endPosition > v.segment.readable) v.segment.readable = v.endPosition;
      hw = v.endOffset;
      this.visibleHead++;
    }
    if (this.visibleHead > 1024 && this.visibleHead * 2 > this.visible.length) {
      this.visible = this.visible.slice(this.visibleHead);
      this.visibleHead = 0;
    }
    if (hw !== this.hw) {
      this.hw = hw;
      for (const listener of this.listeners) {
        try {
          listener(hw);
        } catch (err) {
          this.host.logger.error('high-watermark listener threw', { error: String(err) });
        }
      }
    }
  }

  /**
   * fsyncgate: after a failed fsync the page cache may have dropped the dirty pages, so no
   * later fsync can vouch for them. Stop taking appends, fail every append waiting for an
   * fsync, keep serving reads up to the high watermark. A restart re-validates the log.
   */
  goOffline(err: StorageError): void {
    if (this.status !== 'online') return;
    this.status = 'offline';
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.host.logger.error('partition is offline (read-only) after an I/O failure', {
      topic: this.host.topic,
      partition: this.host.partition,
      error: err.message,
    });
    const offline = this.unavailable();
    for (let i = this.visibleHead; i < this.visible.length; i++) {
      const v = this.visible[i]!;
      if (!v.done) {
        v.done = true;
        v.append!.reject(offline);
      }
    }
    for (const item of this.queue.splice(0)) item.reject(offline);
  }
}
