import path from 'node:path';
import { initCompression } from '../protocol/records/compression.js';
import { producerBatchOf } from './append-validation.js';
import { completeInterruptedSwap } from './compaction-swap.js';
import type { LogConfig } from './config.js';
import type { Clock, Logger } from './env.js';
import { PARTITION_STATE_FILE, Suffix, parseOffsetFileName, segmentFile } from './file-names.js';
import { type FileIo, fsyncDir } from './file-io.js';
import { FilePartitionLog } from './partition-log.js';
import { type CompletedTxn, ProducerStateManager } from './producer-state.js';
import { Segment, type SegmentLimits } from './segment.js';
import { recoverSegment, scanBatches, validateTail } from './segment-scan.js';
import { DEFAULT_WRITEBACK_BYTES } from './write-path.js';

export interface OpenPartitionOptions {
  readonly dir: string;
  readonly topic: string;
  readonly partition: number;
  readonly topicId: string;
  readonly config: LogConfig;
  readonly io: FileIo;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Stamped into every appended batch's partitionLeaderEpoch (one node: constant). */
  readonly leaderEpoch?: number;
  /** Unsynced bytes that start an fsync before `flush.ms` (default {@link DEFAULT_WRITEBACK_BYTES}). */
  readonly writebackBytes?: number;
  /** The data directory had a clean-shutdown marker: trust everything but the active tail. */
  readonly clean: boolean;
}

interface PartitionState {
  readonly logStartOffset: number;
  readonly recoveryPoint: number;
  readonly cleanerCheckpoint: number;
}

async function readState(io: FileIo, dir: string, logger: Logger): Promise<PartitionState | undefined> {
  const bytes = await io.readFile(path.join(dir, PARTITION_STATE_FILE));
  if (bytes === undefined) return undefined;
  try {
    const raw = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    const num = (k: string): number => {
      const v = raw[k];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
        throw new Error(`${k} is not an offset`);
      return v;
    };
    return {
      logStartOffset: num('logStartOffset'),
      recoveryPoint: num('recoveryPoint'),
      cleanerCheckpoint: num('cleanerCheckpoint'),
    };
  } catch (err) {
    logger.warn('partition state file is unreadable; recovering the whole log', {
      dir,
      error: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  }
}

function parseTxnIndex(buf: Buffer): CompletedTxn[] {
  const out: CompletedTxn[] = [];
  for (let p = 0; p + 34 <= buf.length; p += 34) {
    out.push({
      producerId: Number(buf.readBigInt64BE(p + 2)),
      firstOffset: Number(buf.readBigInt64BE(p + 10)),
      lastOffset: Number(buf.readBigInt64BE(p + 18)),
      aborted: true,
    });
  }
  return out;
}

/**
 * Opens (creating if needed) one partition directory and recovers it (the rules are in
 * index.ts): discard temporary files, finish or discard an interrupted compaction swap, validate
 * what an unclean stop may have left half-written, rebuild indexes and producer state. Resolves
 * when the log is ready for requests.
 */
export async function openPartitionLog(o: OpenPartitionOptions): Promise<FilePartitionLog> {
  await initCompression(); // idempotent; see batch-records.ts
  const { io, dir, logger } = o;
  await io.mkdir(dir);
  await completeInterruptedSwap(io, dir, logger);
  const names = await io.readdir(dir);
  const logs = new Set<number>();
  const snapshots: number[] = [];
  for (const name of names) {
    if (name.endsWith(Suffix.Tmp) || name.endsWith(Suffix.Deleted) || name.endsWith(Suffix.Cleaned)) {
      await io.unlink(path.join(dir, name)).catch(() => undefined);
      continue;
    }
    const parsed = parseOffsetFileName(name);
    if (parsed?.suffix === Suffix.Log) logs.add(parsed.offset);
    if (parsed?.suffix === Suffix.Snapshot) snapshots.push(parsed.offset);
  }
  for (const name of names) {
    const parsed = parseOffsetFileName(name);
    if (parsed === undefined || logs.has(parsed.offset)) continue;
    if (
      parsed.suffix === Suffix.Index ||
      parsed.suffix === Suffix.TimeIndex ||
      parsed.suffix === Suffix.TxnIndex
    ) {
      await io.unlink(path.join(dir, name)).catch(() => undefined);
    }
  }
  const state = await readState(io, dir, logger);
  const limits: SegmentLimits = {
    indexIntervalBytes: o.config.indexIntervalBytes,
    segmentIndexBytes: o.config.segmentIndexBytes,
  };
  const bases = [...logs].sort((a, b) => a - b);
  const segs: Segment[] = [];
  for (const base of bases) {
    const seg = await Segment.open(io, dir, base, limits);
    seg.createdAt = o.clock.now();
    segs.push(seg);
  }
  if (segs.length === 0) {
    segs.push(await Segment.create(io, dir, state?.logStartOffset ?? 0, limits));
    await fsyncDir(io, dir);
  }
  const nextBaseOf = (seg: Segment): number => {
    const i = segs.indexOf(seg);
    return segs[i + 1]?.baseOffset ?? Number.MAX_SAFE_INTEGER;
  };
  for (const seg of segs) {
    seg.rebuild = async (s) => {
      await recoverSegment(s, s === segs[segs.length - 1], nextBaseOf(s), logger);
      await s.writeIndexFiles();
    };
  }

  const recoveryPoint = state?.recoveryPoint ?? 0;
  const recovered: Segment[] = [];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const isLast = i === segs.length - 1;
    const nextBase = segs[i + 1]?.baseOffset ?? Number.MAX_SAFE_INTEGER;
    const unflushed = state === undefined || (!o.clean && nextBase > recoveryPoint);
    if (!unflushed && isLast && !(await validateTail(seg))) {
      logger.warn('the active segment tail is not intact; recovering it', { file: seg.file });
    } else if (!unflushed) {
      if (!isLast) {
        await seg.loadMaxTimestamp();
        if (seg.size > 0 && seg.maxTimestamp < 0) await seg.ensureIndexes();
      }
      await loadTxnIndex(io, seg);
      continue;
    }
    await recoverSegment(seg, isLast, nextBase, logger);
    await seg.writeIndexFiles();
    recovered.push(seg);
  }

  const logEnd = segs[segs.length - 1]!.nextOffset;
  const producers = new ProducerStateManager();
  const replayFrom = await loadLatestSnapshot(io, dir, snapshots, logEnd, producers, logger);
  await replayProducers(segs, replayFrom ?? segs[0]!.baseOffset, producers, logger);

  let point = o.clean ? Math.min(recoveryPoint, logEnd) : recoveryPoint;
  if (recovered.length > 0) {
    // What recovery read may exist only in the page cache of the crashed process's kernel:
    // make it durable before moving the recovery point past it.
    for (const seg of recovered) await io.fdatasync(seg.fd);
    await fsyncDir(io, dir);
    point = logEnd;
  }
  const logStart = Math.max(state?.logStartOffset ?? 0, segs[0]!.baseOffset);
  const log = new FilePartitionLog({
    topic: o.topic,
    partition: o.partition,
    topicId: o.topicId,
    dir,
    config: o.config,
    io,
    clock: o.clock,
    logger,
    leaderEpoch: o.leaderEpoch ?? 0,
    writebackBytes: o.writebackBytes ?? DEFAULT_WRITEBACK_BYTES,
    segments: segs,
    logStartOffset: Math.min(logStart, logEnd),
    recoveryPoint: Math.min(point, logEnd),
    cleanerCheckpoint: Math.max(state?.cleanerCheckpoint ?? 0, logStart),
    producers,
  });
  await log.persistState();
  return log;
}

async function loadTxnIndex(io: FileIo, seg: Segment): Promise<void> {
  const bytes = await io.readFile(segmentFile(seg.dir, seg.baseOffset, Suffix.TxnIndex));
  if (bytes !== undefined) seg.aborted = parseTxnIndex(bytes);
}

/**
 * Loads the newest valid producer snapshot at or below the log end (newer ones describe
 * truncated data and are deleted). Returns its offset, or undefined for a full replay.
 */
async function loadLatestSnapshot(
  io: FileIo,
  dir: string,
  snapshots: number[],
  logEnd: number,
  producers: ProducerStateManager,
  logger: Logger,
): Promise<number | undefined> {
  const sorted = [...snapshots].sort((a, b) => b - a);
  for (const offset of sorted) {
    const file = segmentFile(dir, offset, Suffix.Snapshot);
    if (offset > logEnd) {
      await io.unlink(file).catch(() => undefined);
      continue;
    }
    const bytes = await io.readFile(file);
    if (bytes === undefined) continue;
    const problem = producers.load(bytes, offset);
    if (problem === null) return offset;
    logger.warn('skipping a bad producer snapshot', { file, problem });
  }
  producers.clear();
  return undefined;
}

/**
 * Rebuilds producer state from `from` to the log end by reading batch headers: the producer
 * fields of every idempotent/transactional batch, and aborted transactions for the .txnindex.
 */
async function replayProducers(
  segs: readonly Segment[],
  from: number,
  producers: ProducerStateManager,
  logger: Logger,
): Promise<void> {
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const next = segs[i + 1]?.baseOffset;
    if (next !== undefined && next <= from) continue;
    await seg.ensureIndexes();
    seg.aborted = seg.aborted.filter((t) => t.lastOffset < from);
    let pos = seg.lookupPosition(from);
    while (pos < seg.size) {
      const result = await scanBatches(seg, pos, seg.size, (view) => {
        if (view.lastOffsetNumber < from || view.producerId < 0n) return null;
        const done = producers.apply(producerBatchOf(view));
        if (done?.aborted === true) seg.aborted.push(done);
        return null;
      });
      if (result.stop === 'end') break;
      const range = seg.corrupt.find((r) => r.start === result.position);
      if (range === undefined) {
        logger.warn('producer state replay stopped at unreadable bytes', {
          file: seg.file,
          position: result.position,
        });
        break;
      }
      pos = range.end;
    }
  }
}
