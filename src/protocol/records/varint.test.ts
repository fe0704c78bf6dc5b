import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isProtocolError } from '../errors.js';
import { Reader } from '../primitives/reader.js';
import { Writer } from '../primitives/writer.js';
import { VarintReader, uvarintSize, varintSize, writeUvarint, writeVarint, zigzag } from './varint.js';

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
/** Safe integers within ±2^52, where number zig-zag is exact. */
const varlong = fc.bigInt({ min: -(2n ** 52n), max: 2n ** 52n }).map(Number);
const safeLong = fc.bigInt({ min: BigInt(Number.MIN_SAFE_INTEGER), max: BigInt(Number.MAX_SAFE_INTEGER) });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

function kind(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (err) {
    if (isProtocolError(err)) return err.kind;
    throw err;
  }
}

describe('record varints agree with the primitives Writer and Reader', () => {
  it('writeVarint writes the bytes Writer.varint writes, and sizes them right', () => {
    fc.assert(
      fc.property(int32, (v) => {
        const expected = new Writer(8).varint(v).finish();
        const buf = Buffer.alloc(8);
        const end = writeVarint(buf, 0, v);
        expect(buf.subarray(0, end).equals(expected)).toBe(true);
        expect(varintSize(v)).toBe(expected.length);
      }),
    );
  });

  it('writeUvarint of a zig-zag varlong writes the bytes Writer.varlong writes', () => {
    fc.assert(
      fc.property(varlong, (v) => {
        const expected = new Writer(16).varlong(BigInt(v)).finish();
        const buf = Buffer.alloc(16);
        const end = writeUvarint(buf, 0, zigzag(v));
        expect(buf.subarray(0, end).equals(expected)).toBe(true);
        expect(uvarintSize(zigzag(v))).toBe(expected.length);
      }),
    );
  });

  it('VarintReader reads what Writer wrote', () => {
    fc.assert(
      fc.property(int32, safeLong, (a, b) => {
        const bytes = new Writer(16).varint(a).varlong(b).finish();
        const r = new VarintReader(bytes, 0, bytes.length);
        expect(r.varint('a')).toBe(a);
        expect(r.varlong('b')).toBe(Number(b));
        expect(r.pos).toBe(bytes.length);
      }),
    );
  });

  it('VarintReader.varlong reads any int64 exactly or refuses it as outside the safe range', () => {
    fc.assert(
      fc.property(int64, (v) => {
        const bytes = new Writer(16).varlong(v).finish();
        const safe = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
        const read = () => new VarintReader(bytes, 0, bytes.length).varlong('v');
        if (safe) expect(read()).toBe(Number(v));
        else expect(kind(read)).toBe('invalid-value');
      }),
    );
  });

  it('VarintReader.varlong reads the edges of the safe range, as Reader.varlong does', () => {
    for (const v of [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -1, 0, 2 ** 31, -(2 ** 40), 2 ** 52]) {
      const bytes = new Writer(16).varlong(BigInt(v)).finish();
      expect(new VarintReader(bytes, 0, bytes.length).varlong('v')).toBe(v);
      expect(new Reader(bytes).varlong()).toBe(BigInt(v));
    }
  });
});

describe('VarintReader refuses bad input with a ProtocolError', () => {
  it('a varint with more than 32 bits or 5 bytes', () => {
    const tooWide = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f]);
    expect(kind(() => new VarintReader(tooWide, 0, 5).varint('v'))).toBe('invalid-value');
    const tooLong = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
    expect(kind(() => new VarintReader(tooLong, 0, 6).varint('v'))).toBe('invalid-value');
  });

  it('a varlong beyond 64 bits or outside the safe integer range', () => {
    const tooWide = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]);
    expect(kind(() => new VarintReader(tooWide, 0, 10).varlong('v'))).toBe('invalid-value');
    for (const v of [2n ** 60n, 2n ** 53n, -(2n ** 53n) - 1n]) {
      const unsafe = new Writer(16).varlong(v).finish();
      expect(kind(() => new VarintReader(unsafe, 0, unsafe.length).varlong('v'))).toBe('invalid-value');
    }
  });

  it('input that ends inside a varint, or at the reader end', () => {
    const cut = Buffer.from([0x80, 0x80]);
    expect(kind(() => new VarintReader(cut, 0, 2).varint('v'))).toBe('truncated');
    expect(kind(() => new VarintReader(cut, 0, 2).varlong('v'))).toBe('truncated');
    expect(kind(() => new VarintReader(Buffer.from([0x02]), 0, 0).varint('v'))).toBe('truncated');
    expect(kind(() => new VarintReader(Buffer.alloc(1), 1, 1).int8('v'))).toBe('truncated');
  });
});
