import { isProtocolError } from '../protocol/errors.js';
import { BATCH, type BatchView, type CompressionType } from '../protocol/records/batch-view.js';
import { TimestampType } from '../protocol/records/decode-batch.js';
import { encodeRecordBatch } from '../protocol/records/encode-batch.js';
import type { Record as KafkaRecord } from '../protocol/records/record.js';
import { keyString, visitRecords } from './batch-records.js';
import { removeSwapManifest, writeSwapManifest } from './compaction-swap.js';
import type { Logger } from './env.js';
import { ioError } from './errors.js';
import { Suffix, segmentFile } from './file-names.js';
import { type FileIo, fsyncDir, writeFully } from './file-io.js';
import type { FilePartitionLog } from './partition-log.js';
import { Segment } from './segment.js';
import { scanBatches } from './segment-scan.js';

const WINDOW = 8 * 1024 * 1024;
const INT32_MAX = 0x7fffffff;

export interface CompactionOptions {
  readonly io: FileIo;
  readonly logger: Logger;
  readonly now: number;
  /** Largest number of distinct keys held in memory per pass (Kafka's dedupe buffer). */
  readonly maxKeys?: number;
  /** Clean even below `min.cleanable.dirty.ratio` (tests, admin tools). */
  readonly force?: boolean;
}

export interface CompactionResult {
  readonly segmentsIn: number;
  readonly segmentsOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly recordsRemoved: number;
}

/**
 * Log compaction (`cleanup.policy=compact`), after Kafka's cleaner:
 * 1. The cleanable range is the closed segments below the first "uncleanable" offset: the
 *    active segment, the first segment with records younger than `min.compaction.lag.ms`,
 *    and the first open transaction. The dirty part starts at the cleaner checkpoint.
 * 2. It runs when dirty bytes / cleanable bytes ≥ `min.cleanable.dirty.ratio`, or when dirty
 *    data is older than `max.compaction.lag.ms`.
 * 3. A map key → latest offset is built over the dirty part; every cleanable segment is then
 *    rewritten keeping a record only if no later record has its key. Tombstones (null values)
 *    that were already in the clean part and are older than `delete.retention.ms` go too.
 *    Offsets never change: batches keep their base offset and last offset delta (records
 *    inside keep their own offset deltas), so a compacted batch just has gaps. Compressed
 *    batches are decompressed for their keys and, when they lose records, re-encoded with
 *    the same codec (as Kafka's cleaner does).
 * 4. Consecutive segments are merged while they fit in `segment.bytes`. Each output is
 *    swapped in crash-safely (see compaction-swap.ts) under the partition's maintenance lock,
 *    so appends continue and readers keep the old segments until they finish.
 *
 * Limits: transactional batches and control markers are kept whole and their keys do not
 * enter the map (so older values of those keys may survive: never the other way round); so is
 * a batch whose records cannot be read. A segment with corrupt bytes is never rewritten (that
 * would drop offsets silently).
 */
export async function compactPartition(
  log: FilePartitionLog,
  o: CompactionOptions,
): Promise<CompactionResult | undefined> {
  return log.exclusive(async () => {
    if (log.status !== 'online') return undefined;
    const config = log.config;
    const segs = log.segments;
    if (segs.length < 2) return undefined;
    let firstUncleanable = log.active.baseOffset;
    for (const seg of segs) {
      if (seg.maxTimestamp > o.now - config.minCompactionLagMs) {
        firstUncleanable = Math.min(firstUncleanable, seg.baseOffset);
        break;
      }
    }
    const unstable = log.producers.firstUnstableOffset;
    if (unstable >= 0) firstUncleanable = Math.min(firstUncleanable, unstable);
    const cleanable = segs.filter(
      (s, i) => i < segs.length - 1 && segs[i + 1]!.baseOffset <= firstUncleanable,
    );
    if (cleanable.length === 0) return undefined;
    const firstDirty = Math.max(log.cleanerCheckpoint, log.logStartOffset);
    let dirtyBytes = 0;
    let totalBytes = 0;
    let oldestDirty = Number.MAX_SAFE_INTEGER;
    for (let i = 0; i < cleanable.length; i++) {
      const seg = cleanable[i]!;
      totalBytes += seg.size;
      const end = segs[segs.indexOf(seg) + 1]!.baseOffset;
      if (end > firstDirty) {
        dirtyBytes += seg.size;
        if (seg.rollTimestamp >= 0) oldestDirty = Math.min(oldestDirty, seg.rollTimestamp);
      }
    }
    if (dirtyBytes === 0) return undefined;
    const overdue = o.now - oldestDirty > config.maxCompactionLagMs;
    if (o.force !== true && !overdue && dirtyBytes / totalBytes < config.minCleanableDirtyRatio)
      return undefined;
    if (cleanable.some((s) => s.corrupt.length > 0)) {
      o.logger.warn('not compacting a partition with corrupt segments', {
        topic: log.topic,
        partition: log.partition,
      });
      return undefined;
    }

    // 3. key → latest offset over the dirty part.
    const latest = new Map<string, number>();
    const maxKeys = o.maxKeys ?? 4_000_000;
    let cleanedUpTo = firstDirty;
    for (const seg of cleanable) {
      const end = segs[segs.indexOf(seg) + 1]!.baseOffset;
      if (end <= firstDirty) continue;
      if (latest.size >= maxKeys) break;
      await mapKeys(seg, firstDirty, latest);
      cleanedUpTo = end;
    }
    const inRange = cleanable.filter((s) => s.baseOffset < cleanedUpTo);
    const deleteHorizon = o.now - config.deleteRetentionMs;

    // 4. rewrite in groups that fit one segment.
    let segmentsOut = 0;
    let bytesIn = 0;
    let bytesOut = 0;
    let removed = 0;
    let group: Segment[] = [];
    let groupSize = 0;
    const flush = async (): Promise<void> => {
      if (group.length === 0) return;
      const end = segs[segs.indexOf(group[group.length - 1]!) + 1]!.baseOffset;
      const r = await rewriteGroup(log, group, end, latest, firstDirty, deleteHorizon, o);
      bytesIn += r.bytesIn;
      bytesOut += r.bytesOut;
      removed += r.removed;
      segmentsOut++;
      group = [];
      groupSize = 0;
    };
    for (const seg of inRange) {
      const end = segs[segs.indexOf(seg) + 1]!.baseOffset;
      const first = group[0];
      if (
        first !== undefined &&
        (groupSize + seg.size > config.segmentBytes || end - first.baseOffset > INT32_MAX)
      ) {
        await flush();
      }
      group.push(seg);
      groupSize += seg.size;
    }
    await flush();
    log.cleanerCheckpoint = Math.max(log.cleanerCheckpoint, cleanedUpTo);
    await log.persistState();
    return { segmentsIn: inRange.length, segmentsOut, bytesIn, bytesOut, recordsRemoved: removed };
  });
}

/** Data batches whose records compaction may drop; the others are kept whole. */
function isCompactable(view: BatchView): boolean {
  return !view.isControl && !view.isTransactional;
}

async function mapKeys(seg: Segment, from: number, latest: Map<string, number>): Promise<void> {
  await seg.ensureIndexes();
  await scanBatches(seg, seg.lookupPosition(from), seg.size, (view) => {
    if (!isCompactable(view) || view.lastOffsetNumber < from) return null;
    // Collected first, so a batch that turns out unreadable adds no keys (it is kept whole).
    const keys: [string, number][] = [];
    try {
      visitRecords(
        view,
        (r) => {
          const key = keyString(r);
          if (key !== null && r.offset >= from) keys.push([key, r.offset]);
        },
        { verifyCrc: true },
      );
    } catch (err) {
      if (isProtocolError(err)) return null;
      throw err;
    }
    for (const [key, offset] of keys) latest.set(key, offset);
    return null;
  });
}

/**
 * The batch without the records `keep` refuses (re-encoded with the batch's codec, header
 * fields and last offset delta), or null when none is left. A batch whose records cannot be
 * read is kept whole.
 */
function filterBatch(
  view: BatchView,
  keep: (key: string | null, offset: number, tombstone: boolean) => boolean,
): { bytes: Buffer | null; removed: number } {
  const kept: KafkaRecord[] = [];
  let total = 0;
  try {
    visitRecords(view, (r) => {
      total++;
      if (keep(keyString(r), r.offset, r.valueLength < 0)) kept.push(r.toRecord());
    });
  } catch (err) {
    if (isProtocolError(err)) return { bytes: view.bytes, removed: 0 };
    throw err;
  }
  if (kept.length === total) return { bytes: view.bytes, removed: 0 };
  if (kept.length === 0) return { bytes: null, removed: total };
  const bytes = encodeRecordBatch({
    records: kept,
    baseOffset: view.baseOffsetNumber,
    partitionLeaderEpoch: view.partitionLeaderEpoch,
    compression: view.compressionCode as CompressionType,
    timestampType: view.logAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    producerId: Number(view.producerId),
    producerEpoch: view.producerEpoch,
    baseSequence: view.baseSequence,
    lastOffsetDelta: view.lastOffsetDelta,
    // Log-append time: every record reads as the batch's time, which must not change.
    ...(view.logAppendTime ? { maxTimestamp: view.maxTimestampNumber } : {}),
  });
  return { bytes, removed: total - kept.length };
}

async function rewriteGroup(
  log: FilePartitionLog,
  group: readonly Segment[],
  end: number,
  latest: Map<string, number>,
  firstDirty: number,
  deleteHorizon: number,
  o: CompactionOptions,
): Promise<{ bytesIn: number; bytesOut: number; removed: number }> {
  const { io } = o;
  const base = group[0]!.baseOffset;
  const out = await Segment.createCleaned(io, log.dir, base, log.limits());
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let removed = 0;
  let bytesIn = 0;
  const writePending = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    await writeFully(io, out.fd, pending, out.size);
    out.size += pendingBytes;
    pending = [];
    pendingBytes = 0;
  };
  try {
    for (const seg of group) {
      bytesIn += seg.size;
      seg.acquire();
      try {
        // Bounded windows, so memory stays at a few MiB whatever the segment size.
        let pos = 0;
        let window = WINDOW;
        while (pos < seg.size) {
          const queued: Buffer[] = [];
          const to = Math.min(seg.size, pos + window);
          const result = await scanBatches(seg, pos, to, (view) => {
            if (!view.crcValid()) return 'CRC mismatch';
            let bytes: Buffer | null = view.bytes;
            if (isCompactable(view)) {
              const oldTombstone = view.maxTimestampNumber < deleteHorizon;
              const r = filterBatch(view, (key, offset, tombstone) => {
                if (key === null) return true;
                const newest = latest.get(key);
                if (newest !== undefined && offset < newest) return false;
                return !(tombstone && oldTombstone && offset < firstDirty);
              });
              removed += r.removed;
              bytes = r.bytes;
            }
            if (bytes !== null) queued.push(bytes);
            return null;
          });
          if (result.stop === 'invalid' || (result.stop === 'incomplete' && to === seg.size)) {
            throw new Error(`${seg.file} at byte ${result.position}: ${result.reason}`);
          }
          window = result.position === pos && result.stop === 'incomplete' ? window * 2 : WINDOW;
          pos = result.position;
          for (const bytes of queued) {
            out.indexBatch(
              out.size + pendingBytes,
              bytes.length,
              Number(bytes.readBigInt64BE(BATCH.BASE_OFFSET)) + bytes.readInt32BE(BATCH.LAST_OFFSET_DELTA),
              Number(bytes.readBigInt64BE(BATCH.MAX_TIMESTAMP)),
            );
            pending.push(bytes);
            pendingBytes += bytes.length;
          }
          await writePending();
        }
      } finally {
        seg.release();
      }
    }
    await writePending();
    await io.fdatasync(out.fd);
  } catch (err) {
    await out.close();
    await io.unlink(segmentFile(log.dir, base, Suffix.Log + Suffix.Cleaned)).catch(() => undefined);
    throw ioError(`compacting ${log.topic}-${log.partition}`, err);
  }
  out.readable = out.size;
  out.verified = out.size;
  out.seal();
  for (const seg of group) out.aborted.push(...seg.aborted);

  // The swap: manifest (commit point), in-memory replace, old files away, cleaned file in place.
  await writeSwapManifest(io, log.dir, { base, end });
  log.replaceSegments(group, out);
  for (const seg of group) await log.deleteSegmentFiles(seg);
  await io.rename(
    segmentFile(log.dir, base, Suffix.Log + Suffix.Cleaned),
    segmentFile(log.dir, base, Suffix.Log),
  );
  await out.writeIndexFiles();
  await fsyncDir(io, log.dir);
  await removeSwapManifest(io, log.dir);
  return { bytesIn, bytesOut: out.size, removed };
}
