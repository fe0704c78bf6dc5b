import { ProtocolError } from '../errors.js';

/*
 * Zig-zag varints as record fields use them, on numbers rather than bigints: a record batch of
 * 10 000 records reads ~60 000 varints, and the `Reader`'s bigint varlong would dominate the
 * decode. Writers take a position and return the next one, so the encoder's fast path writes
 * straight into one pre-sized buffer without allocating.
 */

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const TWO_POW_32 = 0x1_0000_0000;

/** Zig-zag encoding of a safe integer (exact while |v| < 2^52; callers check the range). */
export function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

/** Bytes taken by the unsigned LEB128 encoding of `u` (0 ≤ u < 2^64, a safe integer here). */
export function uvarintSize(u: number): number {
  if (u < 0x80) return 1;
  if (u < 0x4000) return 2;
  if (u < 0x20_0000) return 3;
  if (u < 0x1000_0000) return 4;
  let n = 4;
  u = Math.floor(u / 0x1000_0000);
  while (u > 0) {
    n++;
    u = Math.floor(u / 128);
  }
  return n;
}

/** Bytes taken by a zig-zag varint of the signed 32-bit `v`. */
export function varintSize(v: number): number {
  return uvarintSize(zigzag(v));
}

/** Writes unsigned LEB128 `u` at `pos`; returns the position after it. No bounds checks. */
export function writeUvarint(buf: Buffer, pos: number, u: number): number {
  if (u < TWO_POW_32) {
    // Bit operations are exact below 2^32 and much faster than division.
    let v = u >>> 0;
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    return pos;
  }
  while (u >= 0x80) {
    buf[pos++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[pos++] = u;
  return pos;
}

/** Writes a zig-zag varint of `v` at `pos`; returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, v: number): number {
  return writeUvarint(buf, pos, zigzag(v));
}

/** Throws unless `v` is an integer in the int32 range (a record varint field). */
export function checkInt32(v: number, what: string): void {
  if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
    throw new ProtocolError('invalid-value', `${what}: ${v} is not an int32`);
  }
}

/** Largest value whose zig-zag encoding stays exact in a double (|v| ≤ 2^52). */
export const MAX_VARLONG_NUMBER = 2 ** 52;

/** Throws unless `v` can be written as a varlong from a number (|v| ≤ 2^52). */
export function checkVarlongNumber(v: number, what: string): void {
  if (!Number.isInteger(v) || v > MAX_VARLONG_NUMBER || v < -MAX_VARLONG_NUMBER) {
    throw new ProtocolError('invalid-value', `${what}: ${v} is not an integer within ±2^52`);
  }
}

/**
 * Reads the zig-zag varints of records from `buf[pos, end)`, as numbers. Every read checks the
 * bounds and throws {@link ProtocolError}; varints longer than their type allows are rejected.
 */
export class VarintReader {
  buf: Buffer;
  pos: number;
  end: number;

  constructor(buf: Buffer, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  int8(what: string): number {
    if (this.pos >= this.end) throw truncated(what);
    const b = this.buf[this.pos++]!;
    return b > 0x7f ? b - 0x100 : b;
  }

  /** A zig-zag varint of at most 32 bits. */
  varint(what: string): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    if (pos >= end) throw truncated(what);
    let b = buf[pos++]!;
    let u = b & 0x7f;
    if (b >= 0x80) {
      let shift = 7;
      for (;;) {
        if (pos >= end) throw truncated(what);
        b = buf[pos++]!;
        if (shift === 28) {
          if (b > 0x0f) throw new ProtocolError('invalid-value', `${what}: varint longer than 32 bits`);
          // The fifth byte can set bit 31, so combine unsigned.
          u = (u | (b << 28)) >>> 0;
          break;
        }
        u |= (b & 0x7f) << shift;
        if (b < 0x80) break;
        shift += 7;
      }
    }
    this.pos = pos;
    // Zig-zag decode; `>>> 1` keeps the unsigned 32-bit value intact.
    return u & 1 ? -((u >>> 1) + 1) : u >>> 1;
  }

  /**
   * A zig-zag varlong as a number. Values outside ±2^53 cannot be represented exactly, so they
   * are an error rather than a silent rounding.
   */
  varlong(what: string): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    // Fast path: up to 4 bytes (28 bits) with integer arithmetic.
    let lo = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw truncated(what);
      const b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return lo & 1 ? -((lo >>> 1) + 1) : lo >>> 1;
      }
    }
    // Bits 28 and up, as a number (at most 36 bits: exact).
    let hi = 0;
    let scale = 1;
    for (let i = 4; ; i++) {
      if (pos >= end) throw truncated(what);
      const b = buf[pos++]!;
      if (i === 9 && b > 0x01)
        throw new ProtocolError('invalid-value', `${what}: varlong longer than 64 bits`);
      hi += (b & 0x7f) * scale;
      // At i === 9 the check above leaves b < 0x80, so the loop ends within 10 bytes.
      if (b < 0x80) break;
      scale *= 128;
    }
    // floor(u / 2): exact below 2^53, and at least 2^53 (so refused) above, as rounding is monotonic.
    const half = hi * 0x800_0000 + (lo >>> 1);
    const negative = (lo & 1) === 1;
    if (half > (negative ? Number.MAX_SAFE_INTEGER - 1 : Number.MAX_SAFE_INTEGER)) {
      throw new ProtocolError('invalid-value', `${what}: varlong outside the safe integer range`);
    }
    this.pos = pos;
    return negative ? -(half + 1) : half;
  }
}

function truncated(what: string): ProtocolError {
  return new ProtocolError('truncated', `${what}: the record ended inside a varint`);
}
