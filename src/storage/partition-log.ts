import path from 'node:path';
import type { LogConfig } from './config.js';
import type { Clock, Logger } from './env.js';
import { PARTITION_STATE_FILE, Suffix, parseOffsetFileName, segmentFile } from './file-names.js';
import { type FileIo, writeFileAtomic } from './file-io.js';
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
import type { ProducerStateManager } from './producer-state.js';
import { Segment, type SegmentLimits } from './segment.js';
import { recoverSegment } from './segment-scan.js';
import { findMaxTimestamp, findOffsetForTimestamp } from './timestamp-lookup.js';
import { type WriteHost, WritePath } from './write-path.js';

const EMPTY = Buffer.alloc(0);
const INT32_MAX = 0x7fffffff;
const SNAPSHOTS_KEPT = 2;

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
  /** See {@link WriteHost.writebackBytes}. */
  readonly writebackBytes: number;
}

/**
 * A partition log on disk: its segments, reads, timestamp lookups, DeleteRecords, segment
 * rolls and removal, shutdown. Appends go through its {@link WritePath}.
 */
export class FilePartitionLog implements PartitionLog, WriteHost {
  readonly topic: string;
  readonly partition: number;
  readonly topicId: string;
  readonly dir: string;
  readonly producers: ProducerStateManager;
  readonly io: FileIo;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly leaderEpoch: number;
  readonly writebackBytes: number;
  private readonly writes: WritePath;

  config: LogConfig;
  /** Copy-on-write: readers take the array and never see it change under them. */
  segments: Segment[];
  private logStart: number;
  recoveryPoint: number;
  cleanerCheckpoint: number;

  private closeChain: Promise<void> = Promise.resolve();
  private stateChain: Promise<void> = Promise.resolve();
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
    this.writebackBytes = init.writebackBytes;
    this.segments = init.segments;
    this.producers = init.producers;
    this.logStart = init.logStartOffset;
    this.recoveryPoint = init.recoveryPoint;
    this.cleanerCheckpoint = init.cleanerCheckpoint;
    for (const seg of this.segments) this.wire(seg);
    this.writes = new WritePath(this, this.active.nextOffset);
  }

  get status(): 'online' | 'offline' | 'closed' {
    return this.writes.status;
  }

  get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  get highWatermark(): number {
    return this.writes.hw;
  }

  get logEndOffset(): number {
    return this.writes.nextOffset;
  }

  get logStartOffset(): number {
    return this.logStart;
  }

  get lastStableOffset(): number {
    const unstable = this.producers.firstUnstableOffset;
    const hw = this.writes.hw;
    return unstable >= 0 ? Math.min(unstable, hw) : hw;
  }

  get sizeInBytes(): number {
    let total = 0;
    for (const seg of this.segments) total += seg.size;
    return total;
  }

  /** Completed group-commit fsyncs (for tests and metrics). */
  get syncCount(): number {
    return this.writes.sync.syncCount;
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
    const listeners = this.writes.listeners;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  append(batches: Buffer, opts: AppendOptions): Promise<AppendOutcome> {
    return this.writes.append(batches, opts);
  }

  /** Rolls the active segment through the write queue (so it is ordered with appends). */
  requestRoll(): Promise<void> {
    return this.writes.requestRoll();
  }

  private offsets(): LogOffsets {
    return {
      highWatermark: this.writes.hw,
      logStartOffset: this.logStart,
      lastStableOffset: this.lastStableOffset,
    };
  }

  // ---- segments ------------------------------------------------------------------------------

  private wire(seg: Segment): void {
    seg.rebuild = async (s) => {
      const i = this.segments.indexOf(s);
      const next = this.segments[i + 1]?.baseOffset ?? this.writes.nextOffset;
      await recoverSegment(s, false, next, this.logger);
      await s.writeIndexFiles();
    };
    seg.onCorrupt = (s, range) => {
      this.logger.error('corrupt batch found by a read: it will not be served', { file: s.file, ...range });
    };
  }

  /** Starts a new segment at the log end (called by the write path, between writes). */
  async roll(): Promise<void> {
    const old = this.active;
    const base = this.writes.nextOffset;
    const seg = await Segment.create(this.io, this.dir, base, this.limits());
    seg.createdAt = this.clock.now();
    this.wire(seg);
    this.writes.sync.directoryChanged();
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
      await this.writes.sync.flush();
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
    if (this.status === 'closed') throw this.writes.unavailable();
    const offsets = this.offsets();
    const end = this.writes.nextOffset;
    if (offset < offsets.logStartOffset || offset > end) {
      return { kind: 'offset-out-of-range', logEndOffset: end, ...offsets };
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
    return findOffsetForTimestamp(this.segments, timestamp, this.logStart, this.writes.hw);
  }

  maxTimestamp(): Promise<TimestampOffset | null> {
    return findMaxTimestamp(this.segments, this.logStart, this.writes.hw);
  }

  async deleteRecords(beforeOffset: number): Promise<DeleteRecordsResult> {
    if (this.status === 'closed') throw this.writes.unavailable();
    const hw = this.writes.hw;
    const target = beforeOffset === -1 ? hw : beforeOffset;
    if (target < 0 || target > hw) {
      return { kind: 'offset-out-of-range', highWatermark: hw, logStartOffset: this.logStart };
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
    await this.writes.drain();
    await this.closeChain;
    await this.maintenance;
    let clean = this.writes.isOnline();
    if (clean) {
      try {
        await this.writes.sync.flush();
        const end = this.writes.nextOffset;
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
    this.writes.status = 'closed';
    for (const seg of this.segments) await seg.close();
    this.writes.listeners.clear();
    return clean;
  }

  /**
   * A simulated crash, for tests: closes the files without the flush, index files, snapshot
   * and state a clean close writes. Background work already started is let finish first (a
   * real crash would stop it anywhere; the crash tests with real processes cover that).
   */
  async abandon(): Promise<void> {
    await this.writes.drain();
    await this.closeChain;
    await this.maintenance;
    await this.stateChain;
    this.writes.status = 'closed';
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
