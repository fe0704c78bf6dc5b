/**
 * A segment's sparse offset index: entries (offset relative to the segment's base, byte
 * position of the batch in the .log file), one every `index.interval.bytes`. As in Kafka the
 * offset of an entry is the *last* offset of its batch; a lookup for offset `o` returns the
 * position of the last indexed batch whose last offset is ≤ `o`, from which a forward scan
 * finds the batch that holds `o`.
 *
 * On disk (`.index`): 8-byte entries, int32 relative offset + int32 position, big-endian. Kept
 * in memory as typed arrays; written whole when the segment closes. In memory each entry also
 * knows where its batch ends (when known: always for appended batches, learned on first read
 * for loaded ones), so a consumer reading from the offset after an indexed batch starts right
 * at the next batch instead of re-reading the indexed one.
 */
export class OffsetIndex {
  static readonly ENTRY_SIZE = 8;

  readonly baseOffset: number;
  readonly maxEntries: number;
  private rel: Int32Array;
  private pos: Int32Array;
  /** End position of the entry's batch, or -1 when not known yet. */
  private end: Int32Array;
  private n = 0;

  constructor(baseOffset: number, maxEntries: number) {
    this.baseOffset = baseOffset;
    this.maxEntries = Math.max(1, maxEntries);
    const initial = Math.min(this.maxEntries, 64);
    this.rel = new Int32Array(initial);
    this.pos = new Int32Array(initial);
    this.end = new Int32Array(initial);
  }

  get entries(): number {
    return this.n;
  }

  get isFull(): boolean {
    return this.n >= this.maxEntries;
  }

  /** The last entry's absolute offset, or -1 when empty. */
  get lastOffset(): number {
    return this.n === 0 ? -1 : this.baseOffset + this.rel[this.n - 1]!;
  }

  get lastPosition(): number {
    return this.n === 0 ? 0 : this.pos[this.n - 1]!;
  }

  /** Adds an entry; offsets and positions must increase. Ignored when full (the caller rolls). */
  append(offset: number, position: number, end = -1): void {
    if (this.n >= this.maxEntries) return;
    if (this.n === this.rel.length) {
      const size = Math.min(this.maxEntries, this.rel.length * 2);
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(size);
        b.set(a);
        return b;
      };
      this.rel = grow(this.rel);
      this.pos = grow(this.pos);
      this.end = grow(this.end);
    }
    this.rel[this.n] = offset - this.baseOffset;
    this.pos[this.n] = position;
    this.end[this.n] = end;
    this.n++;
  }

  /** The last entry whose offset is ≤ `offset`, or -1. */
  floor(offset: number): number {
    const target = offset - this.baseOffset;
    let lo = 0;
    let hi = this.n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel[mid]! <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  offsetAt(i: number): number {
    return this.baseOffset + this.rel[i]!;
  }

  positionAt(i: number): number {
    return this.pos[i]!;
  }

  /** End of entry `i`'s batch, or -1 when not known. */
  endAt(i: number): number {
    return this.end[i]!;
  }

  setEnd(i: number, end: number): void {
    this.end[i] = end;
  }

  /** Byte position from which a forward scan finds the batch holding `offset` (0 if none earlier). */
  lookup(offset: number): number {
    const i = this.floor(offset);
    if (i < 0) return 0;
    // The entry's batch ends at `offset - 1`: the wanted batch starts where it ends.
    if (this.offsetAt(i) < offset && this.end[i]! > 0) return this.end[i]!;
    return this.pos[i]!;
  }

  /**
   * The largest batch boundary the index knows at or before byte `limit`: an entry's position
   * (where its batch starts) or its end; 0 when none is known. Reading up to it takes whole
   * batches only.
   */
  boundaryAtOrBefore(limit: number): number {
    let lo = 0;
    let hi = this.n - 1;
    let i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.pos[mid]! <= limit) {
        i = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (i < 0) return 0;
    const end = this.end[i]!;
    return end > 0 && end <= limit ? end : this.pos[i]!;
  }

  /** Where the batch starting at `position` ends, when it is an entry's and its end is known; else -1. */
  endOfBatchAt(position: number): number {
    const i = this.positionIndex(position);
    return i < 0 ? -1 : this.end[i]!;
  }

  private positionIndex(position: number): number {
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.pos[mid]!;
      if (p === position) return mid;
      if (p < position) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Records where the batch at `position` ends, if that batch is an entry's. */
  learnEnd(position: number, end: number): void {
    const i = this.positionIndex(position);
    if (i >= 0) this.end[i] = end;
  }

  /** Drops entries at or beyond `position` (after a truncation of the log). */
  truncateToPosition(position: number): void {
    while (this.n > 0 && this.pos[this.n - 1]! >= position) this.n--;
  }

  serialize(): Buffer {
    const buf = Buffer.allocUnsafe(this.n * OffsetIndex.ENTRY_SIZE);
    for (let i = 0; i < this.n; i++) {
      buf.writeInt32BE(this.rel[i]!, i * 8);
      buf.writeInt32BE(this.pos[i]!, i * 8 + 4);
    }
    return buf;
  }

  /**
   * Loads an index file's bytes, checking that it can be trusted: whole entries, offsets and
   * positions strictly increasing, positions inside the log. Returns a reason when it cannot.
   */
  static parse(buf: Buffer, baseOffset: number, maxEntries: number, logSize: number): OffsetIndex | string {
    if (buf.length % OffsetIndex.ENTRY_SIZE !== 0) return `size ${buf.length} is not a multiple of 8`;
    const count = buf.length / OffsetIndex.ENTRY_SIZE;
    const index = new OffsetIndex(baseOffset, Math.max(maxEntries, count));
    let prevRel = -1;
    let prevPos = -1;
    for (let i = 0; i < count; i++) {
      const rel = buf.readInt32BE(i * 8);
      const pos = buf.readInt32BE(i * 8 + 4);
      if (rel <= prevRel || pos <= prevPos) return `entry ${i} does not increase`;
      if (pos >= logSize) return `entry ${i} points at ${pos}, beyond the log's ${logSize} bytes`;
      index.append(baseOffset + rel, pos);
      prevRel = rel;
      prevPos = pos;
    }
    return index;
  }
}
