import { isProtocolError } from '../protocol/errors.js';
import { BATCH, BatchView } from '../protocol/records/batch-view.js';
import { crc32c } from '../protocol/records/crc32c.js';
import type { Logger } from './env.js';
import type { Segment } from './segment.js';

const CHUNK = 8 * 1024 * 1024;
const INT32_MAX = 0x7fffffff;

/** Returns null to continue, or why the batch is not acceptable (the scan stops before it). */
export type BatchVisitor = (view: BatchView, position: number) => string | null;

export interface ScanResult {
  /** Where the scan stopped: the end, or the start of the first batch it could not take. */
  readonly position: number;
  readonly stop: 'end' | 'incomplete' | 'invalid';
  readonly reason: string;
}

/**
 * Visits the batches of a segment between byte positions `from` and `to`, reading large chunks
 * (one pread per 8 MiB, not per batch). Stops at the first batch that is incomplete (runs past
 * `to`), malformed, or refused by the visitor.
 */
export async function scanBatches(
  seg: Segment,
  from: number,
  to: number,
  visit: BatchVisitor,
): Promise<ScanResult> {
  let pos = from;
  let want = CHUNK;
  while (pos < to) {
    const len = Math.min(to - pos, want);
    const buf = await seg.readAt(pos, len);
    let p = 0;
    want = CHUNK;
    while (buf.length - p >= BATCH.LOG_OVERHEAD) {
      const size = BATCH.LOG_OVERHEAD + buf.readInt32BE(p + BATCH.BATCH_LENGTH);
      if (size < BATCH.HEADER_SIZE) {
        return {
          position: pos + p,
          stop: 'invalid',
          reason: `batch length ${size} is below the header size`,
        };
      }
      if (pos + p + size > to) {
        return {
          position: pos + p,
          stop: 'incomplete',
          reason: `batch of ${size} bytes runs past byte ${to}`,
        };
      }
      if (buf.length - p < size) {
        if (p === 0) want = Math.max(size, CHUNK);
        break;
      }
      let view: BatchView;
      try {
        view = BatchView.at(buf, p);
      } catch (err) {
        if (isProtocolError(err)) return { position: pos + p, stop: 'invalid', reason: err.message };
        throw err;
      }
      const refused = visit(view, pos + p);
      if (refused !== null) return { position: pos + p, stop: 'invalid', reason: refused };
      p += size;
    }
    if (p === 0 && buf.length < len) {
      return { position: pos, stop: 'incomplete', reason: 'the file ended early' };
    }
    if (p === 0 && want === CHUNK) {
      // Fewer than 12 bytes left before `to`: a torn size field.
      return { position: pos, stop: 'incomplete', reason: `${to - pos} trailing bytes` };
    }
    pos += p;
  }
  return { position: pos, stop: 'end', reason: '' };
}

/**
 * Looks for the next valid batch after a bad one, at any byte position in [from, to): magic 2,
 * a length that fits, a base offset in [minOffset, minOffset + bytes skipped + to - from] (so
 * random bytes almost never qualify before the CRC check), and a matching CRC. Returns its
 * position and base offset, or undefined. Used only after corruption, so it may be slow.
 */
export async function findNextValidBatch(
  seg: Segment,
  from: number,
  to: number,
  minOffset: number,
): Promise<{ position: number; baseOffset: number } | undefined> {
  const window = 4 * 1024 * 1024;
  const maxOffset = minOffset + (to - from);
  for (let s = from; s + BATCH.HEADER_SIZE <= to; s += window) {
    const buf = await seg.readAt(s, Math.min(to - s, window + BATCH.HEADER_SIZE));
    const last = Math.min(window, buf.length - BATCH.HEADER_SIZE);
    for (let q = 0; q <= last; q++) {
      if (buf[q + BATCH.MAGIC] !== 2) continue;
      const size = BATCH.LOG_OVERHEAD + buf.readInt32BE(q + BATCH.BATCH_LENGTH);
      if (size < BATCH.HEADER_SIZE || s + q + size > to) continue;
      const base = Number(buf.readBigInt64BE(q));
      if (base < minOffset || base > maxOffset || buf.readInt32BE(q + BATCH.LAST_OFFSET_DELTA) < 0) continue;
      const bytes = q + size <= buf.length ? buf.subarray(q, q + size) : await seg.readAt(s + q, size);
      if (bytes.length < size) continue;
      if (crc32c(bytes.subarray(BATCH.ATTRIBUTES)) === bytes.readUInt32BE(BATCH.CRC)) {
        return { position: s + q, baseOffset: base };
      }
    }
  }
  return undefined;
}

/** What a full validation of a segment found. */
export interface RecoveryOutcome {
  /** Bytes dropped from the end (torn tail of the last segment). */
  readonly truncatedBytes: number;
  readonly corruptRanges: number;
}

/**
 * Validates every batch of a segment (structure, CRC, offsets increasing and within the
 * segment's range) and rebuilds its indexes. At a bad batch it looks for a valid continuation:
 * - none, in the last segment → a torn tail: truncate there (nothing after it can have been
 *   acknowledged as durable, since an fsync covers a prefix);
 * - none, in an earlier segment → the rest of the file is a corrupt range;
 * - found → the bytes in between are a corrupt range, kept on disk, never served, and
 *   reported; later batches stay readable.
 */
export async function recoverSegment(
  seg: Segment,
  isLast: boolean,
  nextSegmentBase: number,
  logger: Logger,
): Promise<RecoveryOutcome> {
  seg.resetIndexes();
  seg.corrupt = [];
  let expected = seg.baseOffset;
  let pos = 0;
  let truncatedBytes = 0;
  const visit: BatchVisitor = (view, at) => {
    if (!view.crcValid()) return 'CRC mismatch';
    const base = view.baseOffsetNumber;
    const delta = view.lastOffsetDelta;
    if (base < expected) return `base offset ${base} is below ${expected}`;
    if (delta < 0) return `last offset delta ${delta} is negative`;
    if (base + delta - seg.baseOffset > INT32_MAX) return `offset ${base + delta} is outside the segment`;
    seg.indexBatch(at, view.size, base + delta, view.maxTimestampNumber);
    expected = base + delta + 1;
    return null;
  };
  for (;;) {
    const result = await scanBatches(seg, pos, seg.size, visit);
    if (result.stop === 'end') break;
    const bad = result.position;
    const next = await findNextValidBatch(seg, bad + 1, seg.size, expected);
    if (next === undefined && isLast) {
      truncatedBytes = seg.size - bad;
      logger.warn('truncating the torn tail of a segment', {
        file: seg.file,
        position: bad,
        bytes: truncatedBytes,
        reason: result.reason,
      });
      await seg.truncateTo(bad);
      break;
    }
    const end = next?.position ?? seg.size;
    const lastOffset = (next?.baseOffset ?? Math.max(expected, nextSegmentBase)) - 1;
    const range = { start: bad, end, firstOffset: expected, lastOffset, reason: result.reason };
    seg.corrupt.push(range);
    logger.error('corrupt bytes in a segment: offsets there cannot be read', { file: seg.file, ...range });
    if (next === undefined) {
      expected = Math.max(expected, nextSegmentBase);
      break;
    }
    expected = next.baseOffset;
    pos = next.position;
  }
  seg.nextOffset = expected;
  seg.readable = seg.size;
  seg.verified = seg.corrupt.length === 0 ? seg.size : 0;
  return { truncatedBytes, corruptRanges: seg.corrupt.length };
}

/**
 * The cheap check on every start: the batches after the last offset-index entry of the active
 * segment must be whole and valid and end exactly at the end of the file. Sets the segment's
 * next offset and timestamps; returns false when the tail needs a full recovery.
 */
export async function validateTail(seg: Segment): Promise<boolean> {
  await seg.ensureIndexes();
  const entry = seg.lastIndexEntry();
  const st = {
    first: true,
    next: entry === undefined ? seg.baseOffset : -1,
    bytesAfterEntry: 0,
    maxTs: seg.maxTimestamp,
    maxTsOffset: seg.offsetOfMaxTimestamp,
  };
  const result = await scanBatches(seg, entry?.position ?? 0, seg.size, (view) => {
    if (!view.crcValid()) return 'CRC mismatch';
    const base = view.baseOffsetNumber;
    const last = base + view.lastOffsetDelta;
    if (st.first && entry !== undefined) {
      if (last !== entry.offset) return `index entry ${entry.offset} does not match batch ending at ${last}`;
      st.bytesAfterEntry = view.size;
    } else {
      if (base < st.next) return `base offset ${base} is below ${st.next}`;
      st.bytesAfterEntry += view.size;
    }
    if (view.maxTimestampNumber > st.maxTs) {
      st.maxTs = view.maxTimestampNumber;
      st.maxTsOffset = last;
    }
    st.first = false;
    st.next = last + 1;
    return null;
  });
  if (result.stop !== 'end' || (entry !== undefined && st.first)) return false;
  seg.nextOffset = st.next;
  seg.maxTimestamp = st.maxTs;
  seg.offsetOfMaxTimestamp = st.maxTsOffset;
  seg.bytesSinceIndexEntry = st.bytesAfterEntry;
  if (seg.size >= BATCH.HEADER_SIZE) {
    const head = await seg.readAt(0, BATCH.HEADER_SIZE);
    seg.rollTimestamp = Number(head.readBigInt64BE(BATCH.MAX_TIMESTAMP));
  }
  return true;
}
