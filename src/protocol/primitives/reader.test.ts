import { describe, expect, it } from 'vitest';
import { isProtocolError } from '../errors.js';
import type { ProtocolErrorKind } from '../errors.js';
import { Reader } from './reader.js';

function reader(hex: string): Reader {
  return new Reader(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

function failure(fn: () => unknown): ProtocolErrorKind {
  try {
    fn();
  } catch (err) {
    if (isProtocolError(err)) return err.kind;
    throw err;
  }
  throw new Error('expected a ProtocolError');
}

describe('Reader', () => {
  it('reads fixed-width integers big-endian and checks the bytes left first', () => {
    const r = reader('ff fffe fffe 01020304 fffffffe fffffffffffffffe 01 00');
    expect([r.int8(), r.int16(), r.uint16(), r.int32(), r.uint32(), r.int64()]).toEqual([
      -1,
      -2,
      0xfffe,
      0x01020304,
      0xfffffffe,
      -2n,
    ]);
    expect([r.boolean(), r.boolean()]).toEqual([true, false]);
    expect(failure(() => r.int8())).toBe('truncated');
    expect(failure(() => reader('000000').int32())).toBe('truncated');
    expect(failure(() => reader('00000000000000').int64())).toBe('truncated');
  });

  it('reads unsigned varints up to 32 bits and rejects longer ones', () => {
    expect(reader('00').uvarint()).toBe(0);
    expect(reader('7f').uvarint()).toBe(127);
    expect(reader('8001').uvarint()).toBe(128);
    expect(reader('ac02').uvarint()).toBe(300);
    expect(reader('ffffffff0f').uvarint()).toBe(2 ** 32 - 1);
    expect(failure(() => reader('ffffffff10').uvarint())).toBe('invalid-value');
    expect(failure(() => reader('ffffffffff01').uvarint())).toBe('invalid-value');
    expect(failure(() => reader('80').uvarint())).toBe('truncated');
    expect(failure(() => reader('').uvarint())).toBe('truncated');
  });

  it('un-zig-zags varints and varlongs at their extremes', () => {
    expect([
      reader('00').varint(),
      reader('01').varint(),
      reader('02').varint(),
      reader('03').varint(),
    ]).toEqual([0, -1, 1, -2]);
    expect(reader('feffffff0f').varint()).toBe(2147483647);
    expect(reader('ffffffff0f').varint()).toBe(-2147483648);
    expect(reader('feffffffffffffffff01').varlong()).toBe(2n ** 63n - 1n);
    expect(reader('ffffffffffffffffff01').varlong()).toBe(-(2n ** 63n));
    expect(reader('ffffffffffffffffff01').uvarlong()).toBe(2n ** 64n - 1n);
    expect(failure(() => reader('ffffffffffffffffff02').uvarlong())).toBe('invalid-value');
    expect(failure(() => reader('ffffffffffffffffffff01').uvarlong())).toBe('invalid-value');
    expect(failure(() => reader('8080').varlong())).toBe('truncated');
    expect(reader('01').varlongNumber()).toBe(-1);
    expect(failure(() => reader('feffffffffffffffff01').varlongNumber())).toBe('invalid-value');
  });

  it('reads classic and compact strings and bytes, null where allowed', () => {
    const r = reader('ffff 0000 0002c3a9 00 01 03c3a9 ffffffff 0000000107 00 0207');
    expect([r.nullableString(), r.string(), r.string()]).toEqual([null, '', 'é']);
    expect([r.nullableCompactString(), r.compactString(), r.compactString()]).toEqual([null, '', 'é']);
    expect([r.nullableBytes(), r.bytes(), r.nullableCompactBytes(), r.compactBytes()]).toEqual([
      null,
      Buffer.from([7]),
      null,
      Buffer.from([7]),
    ]);
    expect(r.remaining).toBe(0);
  });

  it('returns byte fields as views of the input, not copies', () => {
    const input = Buffer.from('0000000201020000', 'hex');
    const b = new Reader(input).bytes();
    expect(b.buffer).toBe(input.buffer);
    expect(b.byteOffset).toBe(input.byteOffset + 4);
  });

  it('rejects null where a value is required, negative lengths, and lengths past the end', () => {
    expect(failure(() => reader('ffff').string())).toBe('invalid-length');
    expect(failure(() => reader('fffe').nullableString())).toBe('invalid-length');
    expect(failure(() => reader('0005616263').string())).toBe('invalid-length');
    expect(failure(() => reader('00').compactString())).toBe('invalid-length');
    expect(failure(() => reader('05616263').compactString())).toBe('invalid-length');
    expect(failure(() => reader('ffffffff').bytes())).toBe('invalid-length');
    expect(failure(() => reader('fffffffe').nullableBytes())).toBe('invalid-length');
    expect(failure(() => reader('7fffffff').bytes())).toBe('invalid-length');
    expect(failure(() => reader('00').compactBytes())).toBe('invalid-length');
    expect(failure(() => reader('').raw(1))).toBe('invalid-length');
    expect(failure(() => reader('').raw(-1))).toBe('invalid-length');
  });

  it('refuses an array count larger than the bytes left, so a forged count allocates nothing', () => {
    expect(reader('ffffffff').nullableArrayLength()).toBeNull();
    expect(reader('00000002 0000').arrayLength()).toBe(2);
    expect(failure(() => reader('00000003 0000').arrayLength())).toBe('invalid-length');
    expect(failure(() => reader('7fffffff').arrayLength())).toBe('invalid-length');
    expect(failure(() => reader('80000000').arrayLength())).toBe('invalid-length');
    expect(failure(() => reader('ffffffff').arrayLength())).toBe('invalid-length');
    expect(reader('00').nullableCompactArrayLength()).toBeNull();
    expect(reader('0300 00').compactArrayLength()).toBe(2);
    expect(failure(() => reader('ffffffff0f').compactArrayLength())).toBe('invalid-length');
    expect(failure(() => reader('00').compactArrayLength())).toBe('invalid-length');
  });

  it('reads tagged fields: known ones through a bounded reader, unknown ones kept raw', () => {
    const r = reader('03 00 02 0007 04 01 aa 0a 00 ff');
    const seen: number[] = [];
    const unknown = r.taggedFields((tag, tr) => {
      if (tag !== 0) return false;
      seen.push(tr.int16());
      expect(tr.remaining).toBe(0);
      expect(() => tr.int8()).toThrow();
      return true;
    });
    expect(seen).toEqual([7]);
    expect(unknown).toEqual([
      { tag: 4, data: Buffer.from([0xaa]) },
      { tag: 10, data: Buffer.alloc(0) },
    ]);
    expect(r.int8()).toBe(-1);
    expect(reader('00').taggedFields()).toBeUndefined();
  });

  it('rejects tagged fields out of order, repeated, or longer than the input', () => {
    expect(failure(() => reader('02 05 00 03 00').taggedFields())).toBe('invalid-value');
    expect(failure(() => reader('02 05 00 05 00').taggedFields())).toBe('invalid-value');
    expect(failure(() => reader('01 00 05 00').taggedFields())).toBe('invalid-length');
    expect(failure(() => reader('05 00 00').taggedFields())).toBe('invalid-length');
  });

  it('reads a window of a buffer, stopping at its end', () => {
    const r = new Reader(Buffer.from('0102030405', 'hex'), 1, 3);
    expect(r.remaining).toBe(2);
    expect(r.int16()).toBe(0x0203);
    expect(failure(() => r.int8())).toBe('truncated');
  });
});
