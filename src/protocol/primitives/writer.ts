import { ProtocolError } from '../errors.js';
import type { RawTaggedField } from './reader.js';
import { uuidToBytes } from './uuid.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

function checkInt(v: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new ProtocolError('invalid-value', `${what}: ${v} is not an integer in [${min}, ${max}]`);
  }
}

/**
 * Writes Kafka's primitive types into a growing buffer. Encoders check ranges so that a bad
 * value fails loudly instead of being truncated on the wire.
 */
export class Writer {
  buf: Buffer;
  offset = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const needed = this.offset + n;
    if (needed <= this.buf.length) return;
    // At least 64: doubling a zero-sized buffer (new Writer(0)) would never grow it.
    let size = Math.max(this.buf.length * 2, 64);
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.offset);
    this.buf = next;
  }

  /** The bytes written so far (a view, not a copy). */
  finish(): Buffer {
    return this.buf.subarray(0, this.offset);
  }

  boolean(v: boolean): this {
    this.ensure(1);
    this.buf[this.offset++] = v ? 1 : 0;
    return this;
  }

  int8(v: number): this {
    checkInt(v, -0x80, 0x7f, 'int8');
    this.ensure(1);
    this.buf.writeInt8(v, this.offset);
    this.offset += 1;
    return this;
  }

  int16(v: number): this {
    checkInt(v, -0x8000, 0x7fff, 'int16');
    this.ensure(2);
    this.buf.writeInt16BE(v, this.offset);
    this.offset += 2;
    return this;
  }

  uint16(v: number): this {
    checkInt(v, 0, 0xffff, 'uint16');
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.offset);
    this.offset += 2;
    return this;
  }

  int32(v: number): this {
    checkInt(v, INT32_MIN, INT32_MAX, 'int32');
    this.ensure(4);
    this.buf.writeInt32BE(v, this.offset);
    this.offset += 4;
    return this;
  }

  uint32(v: number): this {
    checkInt(v, 0, 0xffffffff, 'uint32');
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.offset);
    this.offset += 4;
    return this;
  }

  int64(v: bigint): this {
    if (v < -0x8000000000000000n || v > 0x7fffffffffffffffn) {
      throw new ProtocolError('invalid-value', `int64: ${v} is out of range`);
    }
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.offset);
    this.offset += 8;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.offset);
    this.offset += 8;
    return this;
  }

  uuid(v: string): this {
    const bytes = uuidToBytes(v);
    this.ensure(16);
    bytes.copy(this.buf, this.offset);
    this.offset += 16;
    return this;
  }

  /** Unsigned LEB128 varint, 0 ≤ v < 2^32. */
  uvarint(v: number): this {
    checkInt(v, 0, 0xffffffff, 'unsigned varint');
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.offset++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.offset++] = v;
    return this;
  }

  /** Zig-zag signed 32-bit varint. */
  varint(v: number): this {
    checkInt(v, INT32_MIN, INT32_MAX, 'varint');
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** Unsigned LEB128 varint, 0 ≤ v < 2^64. */
  uvarlong(v: bigint): this {
    if (v < 0n || v > 0xffffffffffffffffn) {
      throw new ProtocolError('invalid-value', `unsigned varlong: ${v} is out of range`);
    }
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.offset++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.offset++] = Number(v);
    return this;
  }

  /** Zig-zag signed 64-bit varint. */
  varlong(v: bigint): this {
    if (v < -0x8000000000000000n || v > 0x7fffffffffffffffn) {
      throw new ProtocolError('invalid-value', `varlong: ${v} is out of range`);
    }
    return this.uvarlong(v >= 0n ? v << 1n : (-v << 1n) - 1n);
  }

  /** Zig-zag varlong from a safe integer (record timestamp deltas). */
  varlongNumber(v: number): this {
    if (!Number.isSafeInteger(v)) {
      // BigInt() of a fraction or NaN throws RangeError; callers expect only ProtocolError.
      throw new ProtocolError('invalid-value', `varlong: ${v} is not a safe integer`);
    }
    if (v >= INT32_MIN && v <= INT32_MAX) {
      return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
    }
    return this.varlong(BigInt(v));
  }

  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.offset);
    this.offset += bytes.length;
    return this;
  }

  private utf8(v: string, len: number): void {
    this.ensure(len);
    this.offset += this.buf.write(v, this.offset, len, 'utf8');
  }

  nullableString(v: string | null): this {
    if (v === null) return this.int16(-1);
    const len = Buffer.byteLength(v, 'utf8');
    if (len > 0x7fff) throw new ProtocolError('invalid-value', `string: ${len} bytes exceeds 32767`);
    this.int16(len);
    this.utf8(v, len);
    return this;
  }

  string(v: string): this {
    return this.nullableString(v);
  }

  nullableCompactString(v: string | null): this {
    if (v === null) return this.uvarint(0);
    const len = Buffer.byteLength(v, 'utf8');
    this.uvarint(len + 1);
    this.utf8(v, len);
    return this;
  }

  compactString(v: string): this {
    return this.nullableCompactString(v);
  }

  nullableBytes(v: Uint8Array | null): this {
    if (v === null) return this.int32(-1);
    this.int32(v.length);
    return this.raw(v);
  }

  bytes(v: Uint8Array): this {
    return this.nullableBytes(v);
  }

  nullableCompactBytes(v: Uint8Array | null): this {
    if (v === null) return this.uvarint(0);
    this.uvarint(v.length + 1);
    return this.raw(v);
  }

  compactBytes(v: Uint8Array): this {
    return this.nullableCompactBytes(v);
  }

  arrayLength(n: number | null): this {
    return this.int32(n ?? -1);
  }

  compactArrayLength(n: number | null): this {
    return this.uvarint(n === null ? 0 : n + 1);
  }

  /**
   * Writes a tagged-field section: `known` are (tag, encoder) pairs of the fields to write (in
   * any order), merged in tag order with `unknown` raw fields preserved from a decode.
   */
  taggedFields(
    known: readonly (readonly [number, (w: Writer) => void])[],
    unknown: readonly RawTaggedField[] | undefined,
  ): this {
    const count = known.length + (unknown?.length ?? 0);
    this.uvarint(count);
    if (count === 0) return this;
    const fields: { tag: number; data: Buffer }[] = [];
    for (const [tag, encode] of known) {
      const w = new Writer(64);
      encode(w);
      fields.push({ tag, data: w.finish() });
    }
    if (unknown !== undefined) for (const f of unknown) fields.push({ tag: f.tag, data: f.data });
    fields.sort((a, b) => a.tag - b.tag);
    for (let i = 1; i < fields.length; i++) {
      if (fields[i]!.tag === fields[i - 1]!.tag) {
        throw new ProtocolError('invalid-value', `tagged fields: tag ${fields[i]!.tag} written twice`);
      }
    }
    for (const f of fields) {
      this.uvarint(f.tag);
      this.uvarint(f.data.length);
      this.raw(f.data);
    }
    return this;
  }
}
