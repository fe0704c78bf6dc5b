import { BATCH } from '../protocol/records/batch-view.js';
import { crc32c } from '../protocol/records/crc32c.js';
import { StorageError, ioError } from './errors.js';
import { Suffix, segmentFile } from './file-names.js';
import { type FileIo, readFully, writeFileDurable } from './file-io.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';
import type { CompletedTxn } from './producer-state.js';

/** Bytes of a segment that failed validation, and the offsets they held (as far as known). */
export interface CorruptRange {
  readonly start: number;
  readonly end: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly reason: string;
}

/** Index sizing taken from the topic config when a segment is created or loaded. */
export interface SegmentLimits {
  readonly indexIntervalBytes: number;
  readonly segmentIndexBytes: number;
}

/** What a read found in one segment. */
export type SegmentRead =
  /** Whole batches from the one holding the offset (possibly empty when it starts at or past maxOffset). */
  | { readonly kind: 'found'; readonly records: Buffer }
  /** No batch with an offset ≥ the one asked before `end`: continue in the next segment. */
  | { readonly kind: 'past-end' };

const HEADER_PEEK = BATCH.LAST_OFFSET_DELTA + 4;

/**
 * One segment of a partition log: the `.log` file of record batches starting at `baseOffset`,
 * its sparse indexes and what is known about it (size, largest timestamp, corrupt ranges).
 * The descriptor stays open while the segment is part of the log; reads take a reference so a
 * segment deleted by retention or replaced by compaction closes only after they finish.
 */
export class Segment {
  readonly dir: string;
  readonly baseOffset: number;
  readonly fd: number;
  private readonly io: FileIo;
  private readonly limits: SegmentLimits;

  /** Bytes written and acknowledged by the OS. */
  size: number;
  /** Bytes readers may see: the end of the acknowledged prefix (high watermark) in this segment. */
  readable: number;
  /** [0, verified) has been CRC-checked since it was last read from disk (or written by us). */
  verified = 0;
  /** Offset after the last batch; exact for the active segment and for scanned ones. */
  nextOffset: number;
  maxTimestamp = -1;
  /** Last offset of the batch where `maxTimestamp` was first reached. */
  offsetOfMaxTimestamp = -1;
  /** Max timestamp of the first batch: `segment.ms` counts from here, as in Kafka. */
  rollTimestamp = -1;
  /** Clock time the segment was created or opened: ages a segment without timestamps. */
  createdAt = Date.now();
  /** Bytes appended since the last offset-index entry (`index.interval.bytes` spacing). */
  bytesSinceIndexEntry = 0;
  private offsetIndex: OffsetIndex | undefined;
  private timeIndex: TimeIndex | undefined;
  private loadingIndexes: Promise<void> | undefined;
  /** Rebuilds indexes by scanning the file; supplied by the owner (see segment-scan.ts). */
  rebuild: ((segment: Segment) => Promise<void>) | undefined;
  corrupt: CorruptRange[] = [];
  /** Aborted transactions whose markers are in this segment (the `.txnindex`). */
  aborted: CompletedTxn[] = [];
  private refs = 0;
  private removed = false;
  private closed = false;
  private readonly reportedCorrupt = new Set<number>();
  onCorrupt: ((segment: Segment, range: CorruptRange) => void) | undefined;

  private constructor(
    io: FileIo,
    dir: string,
    baseOffset: number,
    fd: number,
    size: number,
    limits: SegmentLimits,
  ) {
    this.io = io;
    this.dir = dir;
    this.baseOffset = baseOffset;
    this.fd = fd;
    this.size = size;
    this.readable = size;
    this.nextOffset = baseOffset;
    this.limits = limits;
  }

  /** Creates a new, empty segment (its `.log` and empty index files). */
  static async create(io: FileIo, dir: string, baseOffset: number, limits: SegmentLimits): Promise<Segment> {
    const file = segmentFile(dir, baseOffset, Suffix.Log);
    let fd: number;
    try {
      fd = await io.open(file, 'w+');
      // Empty placeholders, not fsynced: the index files are written whole when the segment
      // closes, and rebuilt from the .log if they are missing.
      for (const suffix of [Suffix.Index, Suffix.TimeIndex]) {
        await io.close(await io.open(segmentFile(dir, baseOffset, suffix), 'w'));
      }
    } catch (err) {
      throw ioError(`create segment ${file}`, err);
    }
    const seg = new Segment(io, dir, baseOffset, fd, 0, limits);
    seg.offsetIndex = new OffsetIndex(
      baseOffset,
      Math.floor(limits.segmentIndexBytes / OffsetIndex.ENTRY_SIZE),
    );
    seg.timeIndex = new TimeIndex(baseOffset, Math.floor(limits.segmentIndexBytes / TimeIndex.ENTRY_SIZE));
    return seg;
  }

  /** Creates a compaction output, `<base>.log.cleaned`, with fresh in-memory indexes. */
  static async createCleaned(
    io: FileIo,
    dir: string,
    baseOffset: number,
    limits: SegmentLimits,
  ): Promise<Segment> {
    const file = segmentFile(dir, baseOffset, Suffix.Log + Suffix.Cleaned);
    let fd: number;
    try {
      fd = await io.open(file, 'w+');
    } catch (err) {
      throw ioError(`create ${file}`, err);
    }
    const seg = new Segment(io, dir, baseOffset, fd, 0, limits);
    seg.resetIndexes();
    return seg;
  }

  /** Opens an existing segment file; indexes load lazily ({@link ensureIndexes}). */
  static async open(io: FileIo, dir: string, baseOffset: number, limits: SegmentLimits): Promise<Segment> {
    const file = segmentFile(dir, baseOffset, Suffix.Log);
    try {
      const fd = await io.open(file, 'r+');
      const size = await io.fileSize(fd);
      return new Segment(io, dir, baseOffset, fd, size, limits);
    } catch (err) {
      throw ioError(`open segment ${file}`, err);
    }
  }

  get file(): string {
    return segmentFile(this.dir, this.baseOffset, Suffix.Log);
  }

  get indexesLoaded(): boolean {
    return this.offsetIndex !== undefined && this.timeIndex !== undefined;
  }

  get isIndexFull(): boolean {
    return (this.offsetIndex?.isFull ?? false) || (this.timeIndex?.isFull ?? false);
  }

  /** Starts fresh in-memory indexes, for a scan that rebuilds them. */
  resetIndexes(): void {
    this.offsetIndex = new OffsetIndex(this.baseOffset, Math.floor(this.limits.segmentIndexBytes / 8));
    this.timeIndex = new TimeIndex(this.baseOffset, Math.floor(this.limits.segmentIndexBytes / 12));
    this.bytesSinceIndexEntry = 0;
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1;
    this.rollTimestamp = -1;
    this.nextOffset = this.baseOffset;
  }

  /** Records a batch written at `position` (append, scan or compaction): indexes and timestamps. */
  indexBatch(position: number, size: number, lastOffset: number, maxTimestamp: number): void {
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (this.rollTimestamp < 0) this.rollTimestamp = maxTimestamp;
    if (this.bytesSinceIndexEntry > this.limits.indexIntervalBytes) {
      this.offsetIndex?.append(lastOffset, position, position + size);
      this.timeIndex?.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
    this.nextOffset = lastOffset + 1;
  }

  /** The segment will take no more appends: make the time index end with its largest timestamp. */
  seal(): void {
    if (this.maxTimestamp >= 0)
      this.timeIndex?.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true);
  }

  /** Loads the index files (or rebuilds them by scanning when missing or untrustworthy). */
  ensureIndexes(): Promise<void> {
    if (this.indexesLoaded) return Promise.resolve();
    this.loadingIndexes ??= this.loadIndexes().finally(() => {
      this.loadingIndexes = undefined;
    });
    return this.loadingIndexes;
  }

  private async loadIndexes(): Promise<void> {
    const maxEntries = Math.floor(this.limits.segmentIndexBytes / 8);
    const indexBytes = await this.io.readFile(segmentFile(this.dir, this.baseOffset, Suffix.Index));
    const timeBytes = await this.io.readFile(segmentFile(this.dir, this.baseOffset, Suffix.TimeIndex));
    const offsetIndex =
      indexBytes === undefined
        ? 'missing'
        : OffsetIndex.parse(indexBytes, this.baseOffset, maxEntries, this.size);
    const timeIndex =
      timeBytes === undefined
        ? 'missing'
        : TimeIndex.parse(timeBytes, this.baseOffset, Math.floor(this.limits.segmentIndexBytes / 12));
    // An empty index for a segment with more than one interval of data was not written (crash
    // before the roll finished): rebuild rather than scan from 0 on every read.
    const suspicious =
      typeof offsetIndex !== 'string' &&
      offsetIndex.entries === 0 &&
      this.size > 2 * this.limits.indexIntervalBytes + 1;
    if (
      typeof offsetIndex === 'string' ||
      typeof timeIndex === 'string' ||
      suspicious ||
      this.rebuild === undefined
    ) {
      if (this.rebuild === undefined)
        throw new StorageError('io-error', `segment ${this.file}: no index rebuilder`);
      await this.rebuild(this);
      return;
    }
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    const last = timeIndex.last;
    if (last !== undefined && last.timestamp > this.maxTimestamp) {
      this.maxTimestamp = last.timestamp;
      this.offsetOfMaxTimestamp = last.offset;
    }
  }

  /** Sets max timestamp from the last `.timeindex` entry without loading the indexes. */
  async loadMaxTimestamp(): Promise<void> {
    const file = segmentFile(this.dir, this.baseOffset, Suffix.TimeIndex);
    let fd: number;
    try {
      fd = await this.io.open(file, 'r');
    } catch {
      return;
    }
    try {
      const size = await this.io.fileSize(fd);
      if (size < TimeIndex.ENTRY_SIZE || size % TimeIndex.ENTRY_SIZE !== 0) return;
      const buf = Buffer.alloc(TimeIndex.ENTRY_SIZE);
      await readFully(this.io, fd, buf, 0, TimeIndex.ENTRY_SIZE, size - TimeIndex.ENTRY_SIZE);
      this.maxTimestamp = Number(buf.readBigInt64BE(0));
      this.offsetOfMaxTimestamp = this.baseOffset + buf.readInt32BE(8);
    } finally {
      await this.io.close(fd);
    }
  }

  /** Position from which a forward scan finds the batch holding `offset`. */
  lookupPosition(offset: number): number {
    return this.offsetIndex?.lookup(offset) ?? 0;
  }

  /** Tells the index where a batch it may hold ends (learned while reading past it). */
  learnBatchEnd(position: number, end: number): void {
    this.offsetIndex?.learnEnd(position, end);
  }

  /** Offset from which to search for the first record with timestamp ≥ `timestamp`. */
  lookupTimestamp(timestamp: number): number {
    return this.timeIndex?.lookup(timestamp) ?? this.baseOffset;
  }

  /** The last offset-index entry: the point from which a tail check starts. */
  lastIndexEntry(): { offset: number; position: number } | undefined {
    const index = this.offsetIndex;
    if (index === undefined || index.entries === 0) return undefined;
    return { offset: index.lastOffset, position: index.lastPosition };
  }

  /** Writes the `.index` and `.timeindex` (and `.txnindex` when there are aborts), fsynced. */
  async writeIndexFiles(): Promise<void> {
    if (this.offsetIndex === undefined || this.timeIndex === undefined) return;
    await writeFileDurable(
      this.io,
      segmentFile(this.dir, this.baseOffset, Suffix.Index),
      this.offsetIndex.serialize(),
    );
    await writeFileDurable(
      this.io,
      segmentFile(this.dir, this.baseOffset, Suffix.TimeIndex),
      this.timeIndex.serialize(),
    );
    if (this.aborted.length > 0) {
      await writeFileDurable(
        this.io,
        segmentFile(this.dir, this.baseOffset, Suffix.TxnIndex),
        serializeTxnIndex(this.aborted),
      );
    }
  }

  /** Drops bytes at and after `position` (torn tail); the caller rebuilds or trims indexes. */
  async truncateTo(position: number): Promise<void> {
    try {
      await this.io.ftruncate(this.fd, position);
    } catch (err) {
      throw ioError(`truncate ${this.file}`, err);
    }
    this.size = position;
    this.readable = Math.min(this.readable, position);
    this.verified = Math.min(this.verified, position);
    this.offsetIndex?.truncateToPosition(position);
  }

  /** Reads `length` bytes at `position` (fewer at end of file). */
  async readAt(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    let n: number;
    try {
      n = await readFully(this.io, this.fd, buf, 0, length, position);
    } catch (err) {
      throw ioError(`read ${this.file}`, err);
    }
    return n === length ? buf : buf.subarray(0, n);
  }

  private corruptAt(position: number): CorruptRange | undefined {
    for (const range of this.corrupt) if (range.start === position) return range;
    return undefined;
  }

  private reportCorrupt(range: CorruptRange): void {
    if (this.reportedCorrupt.has(range.start)) return;
    this.reportedCorrupt.add(range.start);
    if (!this.corrupt.some((r) => r.start === range.start)) this.corrupt.push(range);
    this.onCorrupt?.(this, range);
  }

  private corruptError(offset: number, range: CorruptRange): StorageError {
    return new StorageError(
      'corrupt-data',
      `offset ${offset} of ${this.file} lies in corrupt bytes [${range.start}, ${range.end}): ${range.reason}`,
    );
  }

  /**
   * Whole batches starting at the one holding `offset`, below byte `end` and below offset
   * `maxOffset`, at most `maxBytes` (the first batch always, however large). One positional
   * read in the common case: from the index entry before `offset`, far enough to cover the
   * interval to the wanted batch plus the budget. Batches not yet verified are CRC-checked;
   * a corrupt one ends the result, or throws `corrupt-data` when it is the first.
   */
  async readBatches(offset: number, maxBytes: number, end: number, maxOffset: number): Promise<SegmentRead> {
    if (!this.indexesLoaded) await this.ensureIndexes();
    let pos = this.lookupPosition(offset);
    const budget = Math.max(maxBytes, 1);
    for (;;) {
      if (pos >= end) return { kind: 'past-end' };
      if (this.corrupt.length > 0) {
        const range = this.corruptAt(pos);
        if (range !== undefined) {
          if (offset <= range.lastOffset) throw this.corruptError(offset, range);
          pos = range.end;
          continue;
        }
      }
      const buf = await this.readAt(pos, this.readLength(pos, end, budget));
      let p = 0;
      let found = -1;
      while (buf.length - p >= HEADER_PEEK) {
        const at = pos + p;
        if (p > 0 && this.corrupt.length > 0) {
          const range = this.corruptAt(at);
          if (range !== undefined) break;
        }
        const size = BATCH.LOG_OVERHEAD + buf.readInt32BE(p + BATCH.BATCH_LENGTH);
        if (size < BATCH.HEADER_SIZE || buf[p + BATCH.MAGIC] !== 2 || at + size > end) {
          const base = Number(buf.readBigInt64BE(p));
          const range = {
            start: at,
            end: Math.max(at + 1, Math.min(end, at + Math.max(size, 1))),
            firstOffset: base,
            lastOffset: base,
            reason: `malformed batch header (size ${size}, magic ${buf[p + BATCH.MAGIC]})`,
          };
          this.reportCorrupt(range);
          throw this.corruptError(offset, range);
        }
        const last = Number(buf.readBigInt64BE(p)) + buf.readInt32BE(p + BATCH.LAST_OFFSET_DELTA);
        if (last >= offset) {
          found = p;
          break;
        }
        if (p === 0) this.learnBatchEnd(at, at + size);
        p += size;
      }
      if (found < 0) {
        // Everything in the buffer lies before `offset`: continue from the first batch not
        // wholly inspected (its header may straddle the buffer's end).
        if (p === 0) return { kind: 'past-end' };
        pos += p;
        continue;
      }
      const firstSize = BATCH.LOG_OVERHEAD + buf.readInt32BE(found + BATCH.BATCH_LENGTH);
      if (found + firstSize > buf.length) {
        // The wanted batch is larger than what was read: keep what we have of it and read
        // only the rest (a batch just over the budget then costs one small extra read).
        const have = buf.length - found;
        const whole = Buffer.allocUnsafe(Math.max(firstSize, Math.min(end - pos - found, budget)));
        buf.copy(whole, 0, found);
        let got: number;
        try {
          got = await readFully(this.io, this.fd, whole, have, whole.length - have, pos + buf.length);
        } catch (err) {
          throw ioError(`read ${this.file}`, err);
        }
        const bytes = whole.subarray(0, have + got);
        return { kind: 'found', records: this.collect(bytes, 0, pos + found, offset, budget, maxOffset) };
      }
      return { kind: 'found', records: this.collect(buf, found, pos + found, offset, budget, maxOffset) };
    }
  }

  /**
   * How many bytes to read from `pos` (a batch start) for a read of `budget` bytes. By default
   * the budget plus one index interval, since the wanted batch may start up to an interval after
   * the indexed position. When the index knows a batch boundary near that end, the read stops
   * there, so no partial batch is read only to be dropped (with batches of ~the budget's size
   * that was up to half of every read); when the first batch alone is larger than the budget and
   * the index knows its end, exactly that batch is read.
   */
  private readLength(pos: number, end: number, budget: number): number {
    const limit = Math.min(end, pos + budget + this.limits.indexIntervalBytes + 4096);
    const index = this.offsetIndex;
    if (index === undefined) return limit - pos;
    const boundary = index.boundaryAtOrBefore(limit);
    // A boundary in the first half is the sparse index's, not the last whole batch's.
    if (boundary > pos && 2 * (boundary - pos) > limit - pos) return boundary - pos;
    const first = index.endOfBatchAt(pos);
    if (first > limit && first <= end) return first - pos;
    return limit - pos;
  }

  /** Takes whole, valid batches from `buf` at `p` (file position `at`) within the budget. */
  private collect(
    buf: Buffer,
    p: number,
    at: number,
    offset: number,
    budget: number,
    maxOffset: number,
  ): Buffer {
    const start = p;
    let total = 0;
    while (buf.length - p >= BATCH.HEADER_SIZE) {
      const filePos = at + (p - start);
      if (total > 0 && this.corrupt.length > 0 && this.corruptAt(filePos) !== undefined) break;
      const size = BATCH.LOG_OVERHEAD + buf.readInt32BE(p + BATCH.BATCH_LENGTH);
      if (size < BATCH.HEADER_SIZE || buf.length - p < size) break;
      if (total > 0 && total + size > budget) break;
      const base = Number(buf.readBigInt64BE(p));
      if (base >= maxOffset) break;
      if (filePos + size > this.verified) {
        const valid =
          buf[p + BATCH.MAGIC] === 2 &&
          crc32c(buf.subarray(p + BATCH.ATTRIBUTES, p + size)) === buf.readUInt32BE(p + BATCH.CRC);
        if (!valid) {
          const range = {
            start: filePos,
            end: filePos + size,
            firstOffset: base,
            lastOffset: base + buf.readInt32BE(p + BATCH.LAST_OFFSET_DELTA),
            reason: 'CRC mismatch',
          };
          this.reportCorrupt(range);
          if (total === 0) throw this.corruptError(offset, range);
          break;
        }
        if (filePos <= this.verified) this.verified = filePos + size;
      }
      total += size;
      p += size;
    }
    return buf.subarray(start, start + total);
  }

  acquire(): void {
    this.refs++;
  }

  release(): void {
    this.refs--;
    if (this.refs === 0 && this.removed) void this.closeFd();
  }

  /** Takes the segment out of service: its descriptor closes once no read holds it. */
  retire(): void {
    this.removed = true;
    if (this.refs === 0) void this.closeFd();
  }

  private async closeFd(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.io.close(this.fd);
    } catch {
      // Closing a descriptor we are done with cannot lose data; nothing to do.
    }
  }

  /** Closes the descriptor now (log shutdown, after all reads finished). */
  async close(): Promise<void> {
    this.removed = true;
    await this.closeFd();
  }
}

/** `.txnindex` entries as Kafka writes them: int16 version 0, int64 producerId, firstOffset, lastOffset, lastStableOffset. */
export function serializeTxnIndex(aborted: readonly CompletedTxn[]): Buffer {
  const buf = Buffer.alloc(aborted.length * 34);
  aborted.forEach((t, i) => {
    const p = i * 34;
    buf.writeInt16BE(0, p);
    buf.writeBigInt64BE(BigInt(t.producerId), p + 2);
    buf.writeBigInt64BE(BigInt(t.firstOffset), p + 10);
    buf.writeBigInt64BE(BigInt(t.lastOffset), p + 18);
    buf.writeBigInt64BE(BigInt(t.lastOffset), p + 26);
  });
  return buf;
}
