import type { LogConfig } from './config.js';
import type { FilePartitionLog } from './partition-log.js';

/** What retention needs to know about a segment. */
export interface RetentionSegment {
  readonly baseOffset: number;
  readonly size: number;
  /** Largest record timestamp (-1 when empty). */
  readonly maxTimestamp: number;
}

/**
 * How many segments from the front of the log retention deletes (Kafka's rules): a prefix of
 * segments each of which is wholly below the log start offset, or — with `cleanup.policy`
 * including delete — has its newest record older than `retention.ms`, or must go for the
 * partition to fit `retention.bytes`. Only segments wholly below the high watermark qualify.
 * The active (last) segment is counted too: when it qualifies the caller rolls first.
 */
export function retentionCount(
  segs: readonly RetentionSegment[],
  config: LogConfig,
  now: number,
  logStart: number,
  hw: number,
  logEnd: number,
): number {
  let total = 0;
  for (const s of segs) total += s.size;
  let excess = config.cleanupDelete && config.retentionBytes >= 0 ? total - config.retentionBytes : 0;
  let n = 0;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    const end = segs[i + 1]?.baseOffset ?? logEnd;
    if (end > hw || s.size === 0) break;
    const belowStart = end <= logStart;
    const expired =
      config.cleanupDelete && config.retentionMs >= 0 && now - s.maxTimestamp > config.retentionMs;
    const oversize = excess > 0 && excess - s.size >= 0;
    if (!belowStart && !expired && !oversize) break;
    excess -= s.size;
    n++;
  }
  return n;
}

/**
 * One retention pass for a partition, under its maintenance lock. When every segment,
 * including the active one, has expired, the active segment is rolled first so that it can be
 * deleted too (as Kafka does); the new empty segment keeps the log end offset.
 */
export async function applyRetention(log: FilePartitionLog, now: number): Promise<number> {
  if (log.status !== 'online') return 0;
  const count = (): number =>
    retentionCount(log.segments, log.config, now, log.logStartOffset, log.highWatermark, log.logEndOffset);
  if (count() === 0) return 0;
  if (count() === log.segments.length) await log.requestRoll();
  return log.exclusive(async () => {
    const n = Math.min(count(), log.segments.length - 1);
    if (n <= 0) return 0;
    await log.removeSegments(log.segments.slice(0, n));
    return n;
  });
}
