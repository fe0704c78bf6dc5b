import { ProtocolError } from '../errors.js';
import { uuidFromBytes } from './uuid.js';

/** An unknown tagged field, kept as raw bytes so that re-encoding preserves it. */
export interface RawTaggedField {
  readonly tag: number;
  readonly data: Buffer;
}

/**
 * Reads Kafka's primitive types from a buffer, advancing an offset. Every read checks the bytes
 * left first and throws {@link ProtocolError}; no read allocates more than the input holds.
 * Byte-valued reads return slices of the input (zero copy).
 */
export class Reader {
  readonly buf: Buffer;
  offset: number;
  readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number, what: string): void {
    if (this.end - this.offset < n) {
      throw new ProtocolError(
        'truncated',
        `${what}: needs ${n} bytes at offset ${this.offset}, only ${this.end - this.offset} left`,
      );
    }
  }

  boolean(): boolean {
    this.need(1, 'boolean');
    return this.buf[this.offset++] !== 0;
  }

  int8(): number {
    this.need(1, 'int8');
    const v = this.buf.readInt8(this.offset);
    this.offset += 1;
    return v;
  }

  int16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  uint16(): number {
    this.need(2, 'uint16');
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  int64(): bigint {
    this.need(8, 'int64');
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  float64(): number {
    this.need(8, 'float64');
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  uuid(): string {
    this.need(16, 'uuid');
    const v = uuidFromBytes(this.buf, this.offset);
    this.offset += 16;
    return v;
  }

  /** Unsigned LEB128 varint of at most 32 bits (5 bytes). */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.offset >= this.end) throw new ProtocolError('truncated', 'varint: input ended');
      const b = this.buf[this.offset++]!;
      if (i === 4 && b > 0x0f) throw new ProtocolError('invalid-value', 'varint: more than 32 bits');
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new ProtocolError('invalid-value', 'varint: longer than 5 bytes');
  }

  /** Zig-zag encoded signed 32-bit varint. */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Unsigned LEB128 varint of at most 64 bits (10 bytes). */
  uvarlong(): bigint {
    let lo = 0;
    let i = 0;
    // Fast path: the first 4 bytes (28 bits) fit in a number.
    for (; i < 4; i++) {
      if (this.offset >= this.end) throw new ProtocolError('truncated', 'varlong: input ended');
      const b = this.buf[this.offset++]!;
      lo |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) return BigInt(lo >>> 0);
    }
    let result = BigInt(lo >>> 0);
    let shift = 28n;
    for (; i < 10; i++) {
      if (this.offset >= this.end) throw new ProtocolError('truncated', 'varlong: input ended');
      const b = this.buf[this.offset++]!;
      if (i === 9 && b > 0x01) throw new ProtocolError('invalid-value', 'varlong: more than 64 bits');
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    throw new ProtocolError('invalid-value', 'varlong: longer than 10 bytes');
  }

  /** Zig-zag encoded signed 64-bit varint. */
  varlong(): bigint {
    const u = this.uvarlong();
    return (u >> 1n) ^ -(u & 1n);
  }

  /**
   * Zig-zag varlong as a number, for record fields (timestamp deltas) that fit in 53 bits.
   * Values outside the safe-integer range are an error rather than a silent rounding.
   */
  varlongNumber(): number {
    const v = this.varlong();
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new ProtocolError('invalid-value', `varlong ${v} is outside the safe integer range`);
    }
    return Number(v);
  }

  private lengthChecked(len: number, what: string): number {
    if (len > this.end - this.offset) {
      throw new ProtocolError(
        'invalid-length',
        `${what}: length ${len} exceeds the ${this.end - this.offset} bytes left`,
      );
    }
    return len;
  }

  private stringOf(len: number): string {
    const s = this.buf.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return s;
  }

  private bytesOf(len: number): Buffer {
    const b = this.buf.subarray(this.offset, this.offset + len);
    this.offset += len;
    return b;
  }

  /** int16-length string; -1 is null. */
  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < 0) throw new ProtocolError('invalid-length', `string: negative length ${len}`);
    return this.stringOf(this.lengthChecked(len, 'string'));
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new ProtocolError('invalid-length', 'string: null where a value is required');
    return s;
  }

  /** uvarint(length + 1) string; 0 is null. */
  nullableCompactString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.stringOf(this.lengthChecked(n - 1, 'compact string'));
  }

  compactString(): string {
    const s = this.nullableCompactString();
    if (s === null) {
      throw new ProtocolError('invalid-length', 'compact string: null where a value is required');
    }
    return s;
  }

  /** int32-length bytes; -1 is null. */
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < 0) throw new ProtocolError('invalid-length', `bytes: negative length ${len}`);
    return this.bytesOf(this.lengthChecked(len, 'bytes'));
  }

  bytes(): Buffer {
    const b = this.nullableBytes();
    if (b === null) throw new ProtocolError('invalid-length', 'bytes: null where a value is required');
    return b;
  }

  /** uvarint(length + 1) bytes; 0 is null. */
  nullableCompactBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.bytesOf(this.lengthChecked(n - 1, 'compact bytes'));
  }

  compactBytes(): Buffer {
    const b = this.nullableCompactBytes();
    if (b === null) {
      throw new ProtocolError('invalid-length', 'compact bytes: null where a value is required');
    }
    return b;
  }

  /** Raw bytes of a known length (checked). */
  raw(len: number): Buffer {
    if (len < 0) throw new ProtocolError('invalid-length', `negative length ${len}`);
    return this.bytesOf(this.lengthChecked(len, 'raw bytes'));
  }

  /**
   * An int32 array count; -1 is null. A count larger than the bytes left is an error, since every
   * element takes at least one byte: this keeps a forged count from allocating a huge array.
   */
  nullableArrayLength(): number | null {
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0) throw new ProtocolError('invalid-length', `array: negative length ${n}`);
    return this.lengthChecked(n, 'array');
  }

  arrayLength(): number {
    const n = this.nullableArrayLength();
    if (n === null) throw new ProtocolError('invalid-length', 'array: null where a value is required');
    return n;
  }

  /** uvarint(count + 1) array count; 0 is null. */
  nullableCompactArrayLength(): number | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.lengthChecked(n - 1, 'compact array');
  }

  compactArrayLength(): number {
    const n = this.nullableCompactArrayLength();
    if (n === null) {
      throw new ProtocolError('invalid-length', 'compact array: null where a value is required');
    }
    return n;
  }

  /**
   * Reads a tagged-field section. `known` is called for each tag with a reader bounded to that
   * field's bytes and returns true when it consumed the field; other fields are returned raw.
   */
  taggedFields(known?: (tag: number, r: Reader) => boolean): RawTaggedField[] | undefined {
    const count = this.lengthChecked(this.uvarint(), 'tagged fields');
    let unknown: RawTaggedField[] | undefined;
    let lastTag = -1;
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      if (tag <= lastTag) {
        throw new ProtocolError('invalid-value', `tagged fields: tag ${tag} after tag ${lastTag}`);
      }
      lastTag = tag;
      const size = this.lengthChecked(this.uvarint(), `tagged field ${tag}`);
      const start = this.offset;
      const fieldEnd = start + size;
      if (known !== undefined) {
        const sub = new Reader(this.buf, start, fieldEnd);
        if (known(tag, sub)) {
          this.offset = fieldEnd;
          continue;
        }
      }
      (unknown ??= []).push({ tag, data: this.buf.subarray(start, fieldEnd) });
      this.offset = fieldEnd;
    }
    return unknown;
  }
}
