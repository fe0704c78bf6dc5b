import path from 'node:path';
import type { BatchView } from '../protocol/records/batch-view.js';
import { producerBatchOf, validateAppendInput } from './append-validation.js';
import type { LogConfig } from './config.js';
import type { Clock, Logger } from './env.js';
import { StorageError, ioError } from './errors.js';
import { PARTITION_STATE_FILE, Suffix, parseOffsetFileName, segmentFile } from './file-names.js';
import { type FileIo, writeFileAtomic, writeFully } from './file-io.js';
import type {
  AbortedTransaction,
  AppendOptions,
  AppendOutcome,
  DeleteRecordsResult,
  LogOffsets,
  PartitionLog,
  ReadOptions,
  ReadResult,
  TimestampOffset,
} from './log-types.js';
import { type CompletedTxn, ProducerStateManager } from './producer-state.js';
import { Segment, type SegmentLimits } from './segment.js';
import { recoverSegment } from './segment-scan.js';
import { SyncScheduler } from './sync-scheduler.js';
import { findMaxTimestamp, findOffsetForTimestamp } from './timestamp-lookup.js';

const EMPTY = Buffer.alloc(0);
const INT32_MAX = 0x7fffffff;
/** Largest write group: IOV_MAX buffers, and a bound on how long the first append waits. */
const MAX_GROUP_BUFFERS = 1024;
const MAX_GROUP_BYTES = 8 * 1024 * 1024;
const SNAPSHOTS_KEPT = 2;

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

/** Everything recovery established about a partition, handed to the log it opens. */
export interface PartitionLogInit {
  readonly topic: string;
  readonly partition: number;
  readonly topicId: string;
  readonly dir: string;
  readonly config: LogConfig;
  readonly io: FileIo;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly leaderEpoch: number;
  readonly segments: Segment[];
  readonly logStartOffset: number;
  readonly recoveryPoint: number;
  readonly cleanerCheckpoint: number;
  readonly producers: ProducerStateManager;
}

/**
 * A partition log on disk. Appends are validated and queued in call order; one writer at a
 * time takes everything queued (up to 1024 buffers / 8 MiB), checks producer state, assigns
 * offsets, and writes it with one pwritev at the end of the active segment. Non-durable
 * appends resolve when that write returns; durable ones when a group-commit fsync covering it
 * completes. The high watermark is the end of the longest prefix of resolved appends, so a
 * reader never sees bytes whose append could still fail.
 */
export class FilePartitionLog implements PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly topicId: string;
  readonly dir: string;
  readonly producers: ProducerStateManager;
  private readonly io: FileIo;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly leaderEpoch: number;
  private readonly sync: SyncScheduler;

  status: 'online' | 'offline' | 'closed' = 'online';
  config: LogConfig;
  /** Copy-on-write: readers take the array and never see it change under them. */
  segments: Segment[];
  private nextOffset: number;
  private pendingNext = 0;
  private hw: number;
  private logStart: number;
  recoveryPoint: number;
  cleanerCheckpoint: number;

  private accepting = true;
  private queue: QueueItem[] = [];
  private writing: Promise<void> | undefined;
  private visible: Visibility[] = [];
  private visibleHead = 0;
  private readonly listeners = new Set<(hw: number) => void>();
  private closeChain: Promise<void> = Promise.resolve();
  private stateChain: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private unflushedMessages = 0;
  private maintenance: Promise<void> = Promise.resolve();
  private readonly pendingDeletes = new Set<() => Promise<void>>();

  constructor(init: PartitionLogInit) {
    this.topic = init.topic;
    this.partition = init.partition;
    this.topicId = init.topicId;
    this.dir = init.dir;
    this.config = init.config;
    this.io = init.io;
    this.clock = init.clock;
    this.logger = init.logger;
    this.leaderEpoch = init.leaderEpoch;
    this.segments = init.segments;
    this.producers = init.producers;
    this.logStart = init.logStartOffset;
    this.recoveryPoint = init.recoveryPoint;
    this.cleanerCheckpoint = init.cleanerCheckpoint;
    this.nextOffset = this.active.nextOffset;
    this.hw = this.nextOffset;
    for (const seg of this.segments) this.wire(seg);
    this.sync = new SyncScheduler(
      this.io,
      this.dir,
      (seq) => {
        this.synced(seq);
      },
      (err) => {
        this.goOffline(err);
      },
    );
  }

  get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  get highWatermark(): number {
    return this.hw;
  }

  get logEndOffset(): number {
    return this.nextOffset;
  }

  get logStartOffset(): number {
    return this.logStart;
  }

  get lastStableOffset(): number {
    const unstable = this.producers.firstUnstableOffset;
    return unstable >= 0 ? Math.min(unstable, this.hw) : this.hw;
  }

  get sizeInBytes(): number {
    let total = 0;
    for (const seg of this.segments) total += seg.size;
    return total;
  }

  /** Completed group-commit fsyncs (for tests and metrics). */
  get syncCount(): number {
    return this.sync.syncCount;
  }

  /** Corrupt byte ranges known in this log (found by recovery or by reads). */
  get corruptRanges(): {
    segment: number;
    start: number;
    end: number;
    firstOffset: number;
    lastOffset: number;
  }[] {
    return this.segments.flatMap((seg) => seg.corrupt.map((r) => ({ segment: seg.baseOffset, ...r })));
  }

  limits(): SegmentLimits {
    return {
      indexIntervalBytes: this.config.indexIntervalBytes,
      segmentIndexBytes: this.config.segmentIndexBytes,
    };
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  onHighWatermark(listener: (highWatermark: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private offsets(): LogOffsets {
    return { highWatermark: this.hw, logStartOffset: this.logStart, lastStableOffset: this.lastStableOffset };
  }

  /** A method, not a field test, so narrowing does not survive the awaits around it. */
  private isOnline(): boolean {
    return this.status === 'online';
  }

  private unavailable(): StorageError {
    if (this.status === 'offline') {
      return new StorageError(
        'offline',
        `partition ${this.topic}-${this.partition} is read-only after an fsync failure`,
        this.sync.failure === undefined ? undefined : { cause: this.sync.failure },
      );
    }
    return new StorageError('closed', `partition ${this.topic}-${this.partition} is closed`);
  }

  // ---- append path -------------------------------------------------------------------------

  append(batches: Buffer, opts: AppendOptions): Promise<AppendOutcome> {
    if (this.status !== 'online' || !this.accepting) return Promise.reject(this.unavailable());
    const now = this.clock.now();
    const stamp = opts.logAppendTime !== undefined || this.config.messageTimestampType === 'LogAppendTime';
    const views = validateAppendInput(batches, this.config, now, stamp);
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
        const error = ioError(`append to ${this.topic}-${this.partition}`, err);
        this.logger.error('append failed', {
          topic: this.topic,
          partition: this.partition,
          error: error.message,
        });
        for (const item of group) if (!item.settled) item.reject(error);
      }
    }
    this.writing = undefined;
  }

  private takeGroup(): QueueItem[] {
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && n < MAX_GROUP_BUFFERS && bytes < MAX_GROUP_BYTES) {
      const item = this.queue[n]!;
      if (item.kind === 'append') bytes += item.buf.length;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async writeGroup(group: QueueItem[]): Promise<void> {
    let sub: Prepared[] = [];
    let subBytes = 0;
    this.pendingNext = this.nextOffset;
    this.producers.begin();
    const flushSub = async (): Promise<void> => {
      if (sub.length === 0) return;
      const items = sub;
      sub = [];
      subBytes = 0;
      for (const p of items) p.append.settled = true;
      await this.writeSub(items);
      this.pendingNext = this.nextOffset;
      this.producers.begin();
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
          if (this.active.size > 0) await this.roll();
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
          await this.roll();
        }
        const prepared = this.prepare(item);
        sub.push(prepared);
        if (prepared.write) subBytes += item.buf.length;
      }
      await flushSub();
    } finally {
      this.producers.rollback();
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
    const seg = this.active;
    const size = seg.size + pendingBytes;
    if (size === 0) return false;
    if (size + incoming > this.config.segmentBytes) return true;
    if (seg.isIndexFull) return true;
    if (lastOffset - seg.baseOffset > INT32_MAX) return true;
    const waited =
      seg.rollTimestamp >= 0 ? maxTimestamp - seg.rollTimestamp : this.clock.now() - seg.createdAt;
    return waited > this.config.segmentMs;
  }

  private prepare(a: PendingAppend): Prepared {
    const first = a.views[0]!;
    const idempotent = first.producerId >= 0n;
    if (idempotent) {
      const check = this.producers.check(producerBatchOf(first, this.pendingNext));
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
            logStartOffset: this.logStart,
          },
        };
      }
      if (check.kind !== 'ok') return { append: a, write: false, completed: undefined, outcome: check };
    }
    const base = this.pendingNext;
    for (const v of a.views) {
      v.setBaseOffset(this.pendingNext);
      v.setPartitionLeaderEpoch(this.leaderEpoch);
      if (a.appendTime >= 0) v.setLogAppendTime(a.appendTime);
      this.pendingNext += v.lastOffsetDelta + 1;
    }
    const completed = idempotent ? this.producers.apply(producerBatchOf(first, base)) : undefined;
    return {
      append: a,
      write: true,
      completed,
      outcome: {
        kind: 'appended',
        baseOffset: base,
        lastOffset: this.pendingNext - 1,
        logAppendTime: a.appendTime,
        logStartOffset: this.logStart,
      },
    };
  }

  private async writeSub(sub: Prepared[]): Promise<void> {
    if (!this.isOnline()) {
      this.abandonSub(sub);
      return;
    }
    const seg = this.active;
    const start = seg.size;
    const bufs: Buffer[] = [];
    for (const p of sub) if (p.write) bufs.push(p.append.buf);
    if (bufs.length > 0) {
      try {
        await writeFully(this.io, seg.fd, bufs, start);
      } catch (err) {
        this.producers.rollback();
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
    this.producers.commit();
    let pos = start;
    let offset = this.nextOffset;
    let nonDurableRecords = 0;
    let needSync = false;
    const seq = bufs.length > 0 ? this.sync.written(seg) : this.sync.writeSeq;
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
    if (nonDurableRecords > 0) this.scheduleFlush(nonDurableRecords);
  }

  private abandonSub(sub: readonly Prepared[]): void {
    this.producers.rollback();
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
    this.logger.error('write failed; dropping its partial bytes', {
      file: seg.file,
      position: start,
      error: error.message,
    });
    try {
      await this.io.ftruncate(seg.fd, start);
    } catch (err) {
      this.goOffline(ioError(`truncate ${seg.file} after a failed write`, err));
      return;
    }
    if (error.code !== 'disk-full') this.goOffline(error);
  }

  private scheduleFlush(records: number): void {
    this.unflushedMessages += records;
    if (this.unflushedMessages >= this.config.flushMessages || this.config.flushMs === 0) {
      this.unflushedMessages = 0;
      this.sync.want();
      return;
    }
    if (this.flushTimer === undefined && this.config.flushMs < Number.MAX_SAFE_INTEGER) {
      this.flushTimer = setTimeout(
        () => {
          this.flushTimer = undefined;
          this.unflushedMessages = 0;
          this.sync.want();
        },
        Math.min(this.config.flushMs, INT32_MAX),
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
          this.logger.error('high-watermark listener threw', { error: String(err) });
        }
      }
    }
  }

  /**
   * fsyncgate: after a failed fsync the page cache may have dropped the dirty pages, so no
   * later fsync can vouch for them. Stop taking appends, fail every append waiting for an
   * fsync, keep serving reads up to the high watermark. A restart re-validates the log.
   */
  private goOffline(err: StorageError): void {
    if (this.status !== 'online') return;
    this.status = 'offline';
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.logger.error('partition is offline (read-only) after an I/O failure', {
      topic: this.topic,
      partition: this.partition,
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

  // ---- segments ------------------------------------------------------------------------------

  private wire(seg: Segment): void {
    seg.rebuild = async (s) => {
      const i = this.segments.indexOf(s);
      const next = this.segments[i + 1]?.baseOffset ?? this.nextOffset;
      await recoverSegment(s, false, next, this.logger);
      await s.writeIndexFiles();
    };
    seg.onCorrupt = (s, range) => {
      this.logger.error('corrupt batch found by a read: it will not be served', { file: s.file, ...range });
    };
  }

  private async roll(): Promise<void> {
    const old = this.active;
    const base = this.nextOffset;
    const seg = await Segment.create(this.io, this.dir, base, this.limits());
    seg.createdAt = this.clock.now();
    this.wire(seg);
    this.sync.directoryChanged();
    old.seal();
    this.segments = [...this.segments, seg];
    const snapshot = this.producers.serialize(base);
    this.closeChain = this.closeChain.then(() => this.finishSegment(old, base, snapshot));
  }

  /** After a roll: snapshot, index files, fsync of the old segment, then the recovery point moves. */
  private async finishSegment(old: Segment, base: number, snapshot: Buffer): Promise<void> {
    try {
      await writeFileAtomic(this.io, segmentFile(this.dir, base, Suffix.Snapshot), snapshot);
      await old.writeIndexFiles();
      await this.sync.flush();
      if (base > this.recoveryPoint) this.recoveryPoint = base;
      await this.persistState();
      await this.pruneSnapshots();
    } catch (err) {
      this.logger.error('finishing a rolled segment failed; recovery will redo it', {
        file: old.file,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private async pruneSnapshots(): Promise<void> {
    const names = await this.io.readdir(this.dir);
    const offsets = names
      .map((n) => parseOffsetFileName(n))
      .filter((p) => p !== undefined && p.suffix === Suffix.Snapshot)
      .map((p) => p!.offset)
      .sort((a, b) => b - a);
    for (const offset of offsets.slice(SNAPSHOTS_KEPT)) {
      await this.io.unlink(segmentFile(this.dir, offset, Suffix.Snapshot)).catch(() => undefined);
    }
  }

  /** Writes partition-state.json (atomically; calls are serialized and write the latest values). */
  persistState(): Promise<void> {
    const write = (): Promise<void> =>
      writeFileAtomic(
        this.io,
        path.join(this.dir, PARTITION_STATE_FILE),
        Buffer.from(
          JSON.stringify({
            version: 1,
            topic: this.topic,
            partition: this.partition,
            topicId: this.topicId,
            logStartOffset: this.logStart,
            recoveryPoint: this.recoveryPoint,
            cleanerCheckpoint: this.cleanerCheckpoint,
          }) + '\n',
        ),
      );
    const done = this.stateChain.then(write, write);
    this.stateChain = done.catch(() => undefined);
    return done;
  }

  /**
   * Removes whole segments from the front of the log (retention, DeleteRecords): the log start
   * offset moves first and is persisted, then the files are renamed to `.deleted` and removed
   * after `file.delete.delay.ms`.
   */
  async removeSegments(doomed: readonly Segment[]): Promise<void> {
    if (doomed.length === 0) return;
    const gone = new Set(doomed);
    this.segments = this.segments.filter((s) => !gone.has(s));
    const first = this.segments[0]!.baseOffset;
    if (first > this.logStart) this.logStart = first;
    // Deleting first would be safe too (recovery takes the first remaining segment as the
    // floor), so a full disk that cannot take the small state file still gets its space back.
    const persisted = await this.persistState().then(
      () => true,
      (err: unknown) => {
        this.logger.warn('could not persist the log start before deleting segments', { error: String(err) });
        return false;
      },
    );
    for (const seg of doomed) await this.deleteSegmentFiles(seg);
    if (!persisted) await this.persistState();
  }

  /** Renames a segment's files to `.deleted` and schedules their removal. */
  async deleteSegmentFiles(seg: Segment): Promise<void> {
    seg.retire();
    const renamed: string[] = [];
    for (const suffix of [Suffix.Log, Suffix.Index, Suffix.TimeIndex, Suffix.TxnIndex]) {
      const file = segmentFile(this.dir, seg.baseOffset, suffix);
      try {
        await this.io.rename(file, file + Suffix.Deleted);
        renamed.push(file + Suffix.Deleted);
      } catch {
        // A missing index file (e.g. .txnindex) is fine.
      }
    }
    const unlink = async (): Promise<void> => {
      this.pendingDeletes.delete(unlink);
      for (const file of renamed) await this.io.unlink(file).catch(() => undefined);
    };
    if (this.config.fileDeleteDelayMs <= 0) {
      await unlink();
      return;
    }
    this.pendingDeletes.add(unlink);
    setTimeout(() => void unlink(), Math.min(this.config.fileDeleteDelayMs, INT32_MAX)).unref();
  }

  /** Replaces segments (compaction's swap) in the in-memory list. */
  replaceSegments(old: readonly Segment[], replacement: Segment): void {
    const gone = new Set(old);
    const kept = this.segments.filter((s) => !gone.has(s));
    this.wire(replacement);
    kept.push(replacement);
    kept.sort((a, b) => a.baseOffset - b.baseOffset);
    this.segments = kept;
  }

  /** Serializes maintenance work (retention, compaction) for this partition. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.maintenance.then(task, task);
    this.maintenance = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  // ---- reads ---------------------------------------------------------------------------------

  async read(offset: number, maxBytes: number, opts?: ReadOptions): Promise<ReadResult> {
    if (this.status === 'closed') throw this.unavailable();
    const offsets = this.offsets();
    if (offset < offsets.logStartOffset || offset > this.nextOffset) {
      return { kind: 'offset-out-of-range', logEndOffset: this.nextOffset, ...offsets };
    }
    const limit = Math.min(offsets.highWatermark, opts?.maxOffset ?? Number.MAX_SAFE_INTEGER);
    if (offset >= limit) return { kind: 'records', records: EMPTY, ...offsets };
    const segs = this.segments;
    for (let i = segmentFor(segs, offset); i < segs.length; i++) {
      const seg = segs[i]!;
      seg.acquire();
      try {
        const r = await seg.readBatches(offset, maxBytes, seg.readable, limit);
        if (r.kind === 'found') return { kind: 'records', records: r.records, ...offsets };
      } finally {
        seg.release();
      }
    }
    return { kind: 'records', records: EMPTY, ...offsets };
  }

  offsetForTimestamp(timestamp: number): Promise<TimestampOffset | null> {
    return findOffsetForTimestamp(this.segments, timestamp, this.logStart, this.hw);
  }

  maxTimestamp(): Promise<TimestampOffset | null> {
    return findMaxTimestamp(this.segments, this.logStart, this.hw);
  }

  async deleteRecords(beforeOffset: number): Promise<DeleteRecordsResult> {
    if (this.status === 'closed') throw this.unavailable();
    const target = beforeOffset === -1 ? this.hw : beforeOffset;
    if (target < 0 || target > this.hw) {
      return { kind: 'offset-out-of-range', highWatermark: this.hw, logStartOffset: this.logStart };
    }
    if (target > this.logStart) {
      this.logStart = target;
      const below = await this.exclusive(async () => {
        const doomed = this.segmentsBelowLogStart();
        await this.removeSegments(doomed);
        return doomed.length;
      });
      if (below === 0) await this.persistState();
    }
    return { kind: 'deleted', lowWatermark: this.logStart };
  }

  /** Closed segments wholly below the log start offset. */
  segmentsBelowLogStart(): Segment[] {
    const segs = this.segments;
    const out: Segment[] = [];
    for (let i = 0; i < segs.length - 1; i++) {
      if (segs[i + 1]!.baseOffset <= this.logStart) out.push(segs[i]!);
      else break;
    }
    return out;
  }

  abortedTransactions(from: number, to: number): AbortedTransaction[] {
    const out: AbortedTransaction[] = [];
    for (const seg of this.segments) {
      for (const t of seg.aborted) {
        if (t.lastOffset >= from && t.firstOffset < to) {
          out.push({ producerId: t.producerId, firstOffset: t.firstOffset, lastOffset: t.lastOffset });
        }
      }
    }
    return out;
  }

  // ---- shutdown ------------------------------------------------------------------------------

  /**
   * Stops taking appends, writes what was queued, fsyncs, writes the active segment's indexes,
   * a producer snapshot at the log end and the recovery point, and closes the files. Returns
   * whether the shutdown was clean (false when the partition was offline).
   */
  async close(): Promise<boolean> {
    if (this.status === 'closed') return true;
    this.accepting = false;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    while (this.writing !== undefined) await this.writing;
    await this.closeChain;
    await this.maintenance;
    let clean = this.status === 'online';
    if (clean) {
      try {
        await this.sync.flush();
        const end = this.nextOffset;
        this.active.seal();
        await this.active.writeIndexFiles();
        await writeFileAtomic(
          this.io,
          segmentFile(this.dir, end, Suffix.Snapshot),
          this.producers.serialize(end),
        );
        this.recoveryPoint = end;
        await this.persistState();
        await this.pruneSnapshots();
      } catch (err) {
        clean = false;
        this.logger.error('clean shutdown of a partition failed', {
          topic: this.topic,
          partition: this.partition,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    await this.stateChain;
    for (const unlink of [...this.pendingDeletes]) await unlink();
    this.status = 'closed';
    for (const seg of this.segments) await seg.close();
    this.listeners.clear();
    return clean;
  }

  /**
   * A simulated crash, for tests: closes the files without the flush, index files, snapshot
   * and state a clean close writes. Background work already started is let finish first (a
   * real crash would stop it anywhere; the crash tests with real processes cover that).
   */
  async abandon(): Promise<void> {
    this.accepting = false;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    while (this.writing !== undefined) await this.writing;
    await this.closeChain;
    await this.maintenance;
    await this.stateChain;
    this.status = 'closed';
    for (const seg of this.segments) await seg.close();
  }
}

/** Index of the segment whose base offset is the largest ≤ `offset` (0 when none is). */
export function segmentFor(segs: readonly Segment[], offset: number): number {
  let lo = 0;
  let hi = segs.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segs[mid]!.baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
