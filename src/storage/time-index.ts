/**
 * A segment's sparse time index: entries (timestamp, offset relative to the segment's base),
 * appended beside offset-index entries only when the segment's largest timestamp so far has
 * grown, so timestamps strictly increase. Each entry says "no record up to `offset` has a
 * timestamp above `timestamp`", which bounds a search for the first record at or after a
 * time. When a segment closes its largest timestamp is appended, so the last entry is the
 * segment's maximum (what time-based retention and ListOffsets MAX_TIMESTAMP read).
 *
 * On disk (`.timeindex`): 12-byte entries, int64 timestamp + int32 relative offset, big-endian.
 */
export class TimeIndex {
  static readonly ENTRY_SIZE = 12;

  readonly baseOffset: number;
  readonly maxEntries: number;
  private ts: Float64Array;
  private rel: Int32Array;
  private n = 0;

  constructor(baseOffset: number, maxEntries: number) {
    this.baseOffset = baseOffset;
    this.maxEntries = Math.max(1, maxEntries);
    const initial = Math.min(this.maxEntries, 64);
    this.ts = new Float64Array(initial);
    this.rel = new Int32Array(initial);
  }

  get entries(): number {
    return this.n;
  }

  get isFull(): boolean {
    return this.n >= this.maxEntries;
  }

  /** The last entry, or undefined when empty. */
  get last(): { timestamp: number; offset: number } | undefined {
    if (this.n === 0) return undefined;
    return { timestamp: this.ts[this.n - 1]!, offset: this.baseOffset + this.rel[this.n - 1]! };
  }

  /** Appends when `timestamp` exceeds the last entry's (and `offset` does not go back). */
  maybeAppend(timestamp: number, offset: number, force = false): void {
    if (this.n > 0) {
      if (timestamp <= this.ts[this.n - 1]!) return;
      if (offset - this.baseOffset < this.rel[this.n - 1]!) return;
    }
    if (this.n >= this.maxEntries && !force) return;
    if (this.n === this.ts.length) {
      const size = this.n * 2;
      const ts = new Float64Array(size);
      const rel = new Int32Array(size);
      ts.set(this.ts);
      rel.set(this.rel);
      this.ts = ts;
      this.rel = rel;
    }
    this.ts[this.n] = timestamp;
    this.rel[this.n] = offset - this.baseOffset;
    this.n++;
  }

  /**
   * The offset from which to search for the first record with timestamp ≥ `timestamp`: the
   * offset of the last entry whose timestamp is ≤ it (every record before that offset is
   * older), or the base offset when there is none.
   */
  lookup(timestamp: number): number {
    let lo = 0;
    let hi = this.n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! <= timestamp) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? this.baseOffset : this.baseOffset + this.rel[found]!;
  }

  serialize(): Buffer {
    const buf = Buffer.allocUnsafe(this.n * TimeIndex.ENTRY_SIZE);
    for (let i = 0; i < this.n; i++) {
      buf.writeBigInt64BE(BigInt(this.ts[i]!), i * 12);
      buf.writeInt32BE(this.rel[i]!, i * 12 + 8);
    }
    return buf;
  }

  /** Loads a `.timeindex` file's bytes; returns a reason when they cannot be trusted. */
  static parse(buf: Buffer, baseOffset: number, maxEntries: number): TimeIndex | string {
    if (buf.length % TimeIndex.ENTRY_SIZE !== 0) return `size ${buf.length} is not a multiple of 12`;
    const count = buf.length / TimeIndex.ENTRY_SIZE;
    const index = new TimeIndex(baseOffset, Math.max(maxEntries, count));
    let prevTs = -Infinity;
    let prevRel = -1;
    for (let i = 0; i < count; i++) {
      const ts = Number(buf.readBigInt64BE(i * 12));
      const rel = buf.readInt32BE(i * 12 + 8);
      if (ts <= prevTs || rel < prevRel) return `entry ${i} does not increase`;
      index.maybeAppend(ts, baseOffset + rel, true);
      prevTs = ts;
      prevRel = rel;
    }
    return index;
  }
}
