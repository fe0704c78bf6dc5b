import type { BatchView } from '../protocol/records/batch-view.js';
import { visitRecords } from './batch-records.js';
import type { TimestampOffset } from './log-types.js';
import type { Segment } from './segment.js';
import { scanBatches } from './segment-scan.js';

/**
 * The first record of `view` at or after `minOffset` with timestamp ≥ `timestamp`; compressed
 * batches are decompressed. With log-append time every record has the batch's time. A batch
 * that cannot be read (CRC, bad bytes) stands as a whole, at its first offset with its max
 * timestamp: a consumer seeking there still gets every record at or after the time.
 */
export function firstAtOrAfter(
  view: BatchView,
  timestamp: number,
  minOffset: number,
): TimestampOffset | null {
  const base = view.baseOffsetNumber;
  const whole = { offset: Math.max(base, minOffset), timestamp: view.maxTimestampNumber };
  if (view.logAppendTime) return whole;
  let hit: TimestampOffset | null = null;
  try {
    visitRecords(
      view,
      (r) => {
        if (r.offset < minOffset || r.timestamp < timestamp) return true;
        hit = { offset: r.offset, timestamp: r.timestamp };
        return false;
      },
      // Segment bytes may not have been CRC-checked since they were loaded.
      { verifyCrc: true },
    );
  } catch {
    return whole;
  }
  return hit;
}

/**
 * ListOffsets by timestamp: the first offset in [logStart, hw) whose record has timestamp ≥
 * `timestamp`. The first segment whose largest timestamp reaches it holds the answer; inside it
 * the time index gives an offset before which every record is older, the offset index a
 * position, and a forward scan the batch and record.
 */
export async function findOffsetForTimestamp(
  segs: readonly Segment[],
  timestamp: number,
  logStart: number,
  hw: number,
): Promise<TimestampOffset | null> {
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const next = segs[i + 1]?.baseOffset;
    if (next !== undefined && next <= logStart) continue;
    if (seg.baseOffset >= hw) break;
    if (seg.maxTimestamp < timestamp) continue;
    seg.acquire();
    try {
      await seg.ensureIndexes();
      const from = Math.max(seg.lookupTimestamp(timestamp), logStart, seg.baseOffset);
      const hit: { value: TimestampOffset | null } = { value: null };
      await scanBatches(seg, seg.lookupPosition(from), seg.readable, (view) => {
        const base = view.baseOffsetNumber;
        if (base >= hw) return 'past the high watermark';
        if (base + view.lastOffsetDelta < logStart || view.maxTimestampNumber < timestamp) return null;
        hit.value = firstAtOrAfter(view, timestamp, logStart);
        return hit.value === null ? null : 'found';
      });
      if (hit.value !== null) return hit.value;
    } finally {
      seg.release();
    }
  }
  return null;
}

/**
 * ListOffsets MAX_TIMESTAMP: the record with the largest timestamp (the first such). The
 * segment comes from each segment's max timestamp, the batch from the offset index, the record
 * from the batch (decompressed if need be, as Kafka ≥ 3.8 answers; before, Kafka returned a
 * compressed batch's last offset).
 */
export async function findMaxTimestamp(
  segs: readonly Segment[],
  logStart: number,
  hw: number,
): Promise<TimestampOffset | null> {
  let best: Segment | undefined;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const next = segs[i + 1]?.baseOffset;
    if (next !== undefined && next <= logStart) continue;
    if (seg.baseOffset >= hw) break;
    if (seg.maxTimestamp > (best?.maxTimestamp ?? -1)) best = seg;
  }
  if (best === undefined) return null;
  const seg = best;
  const max = seg.maxTimestamp;
  seg.acquire();
  try {
    await seg.ensureIndexes();
    const hit: { value: TimestampOffset | null } = { value: null };
    await scanBatches(seg, seg.lookupPosition(seg.offsetOfMaxTimestamp), seg.readable, (view) => {
      if (view.baseOffsetNumber >= hw) return 'past the high watermark';
      if (view.maxTimestampNumber !== max) return null;
      const base = view.baseOffsetNumber;
      const last = view.lastOffsetNumber;
      if (last < logStart) return null;
      hit.value = view.logAppendTime
        ? { offset: Math.max(base, logStart), timestamp: max }
        : (firstAtOrAfter(view, max, logStart) ?? { offset: last, timestamp: max });
      return 'found';
    });
    return hit.value;
  } finally {
    seg.release();
  }
}
