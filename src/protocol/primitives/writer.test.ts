import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

function bytes(fn: (w: Writer) => void, initialSize = 8): string {
  const w = new Writer(initialSize);
  fn(w);
  return w.finish().toString('hex');
}

// Any Unicode text (no lone surrogates); fc.string's 'binary' unit is much slower.
const unicode = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff })), {
    maxLength: 40,
  })
  .map((cps) => String.fromCodePoint(...cps));

const invalid = expect.objectContaining({ kind: 'invalid-value' }) as unknown;

describe('Writer', () => {
  it('writes fixed-width integers big-endian', () => {
    expect(bytes((w) => w.int8(-1).int16(-2).uint16(0xfffe).int32(0x01020304).uint32(0xfffffffe))).toBe(
      'fffffefffe01020304fffffffe',
    );
    expect(bytes((w) => w.int64(-2n).int64(0x0102030405060708n))).toBe('fffffffffffffffe0102030405060708');
    expect(bytes((w) => w.boolean(true).boolean(false))).toBe('0100');
    expect(bytes((w) => w.float64(1.5))).toBe('3ff8000000000000');
  });

  it('rejects out-of-range and non-integer values with ProtocolError instead of truncating', () => {
    const w = new Writer();
    for (const write of [
      () => w.int8(128),
      () => w.int16(-32769),
      () => w.uint16(-1),
      () => w.int32(2 ** 31),
      () => w.int32(1.5),
      () => w.uint32(2 ** 32),
      () => w.int64(2n ** 63n),
      () => w.uvarint(-1),
      () => w.varint(2 ** 31),
      () => w.uvarlong(-1n),
      () => w.varlong(-(2n ** 63n) - 1n),
      () => w.varlongNumber(1.5),
      () => w.varlongNumber(Number.NaN),
    ]) {
      expect(write).toThrow(invalid);
    }
    expect(w.offset).toBe(0);
  });

  it('writes unsigned varints at the 7-bit boundaries', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [1, '01'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [16383, 'ff7f'],
      [16384, '808001'],
      [2 ** 31, '8080808008'],
      [2 ** 32 - 1, 'ffffffff0f'],
    ];
    for (const [v, hex] of cases) expect(bytes((w) => w.uvarint(v))).toBe(hex);
  });

  it('zig-zags signed varints and varlongs', () => {
    const ints: [number, string][] = [
      [0, '00'],
      [-1, '01'],
      [1, '02'],
      [-2, '03'],
      [2147483647, 'feffffff0f'],
      [-2147483648, 'ffffffff0f'],
    ];
    for (const [v, hex] of ints) expect(bytes((w) => w.varint(v))).toBe(hex);
    const longs: [bigint, string][] = [
      [0n, '00'],
      [-1n, '01'],
      [1n, '02'],
      [2n ** 63n - 1n, 'feffffffffffffffff01'],
      [-(2n ** 63n), 'ffffffffffffffffff01'],
    ];
    for (const [v, hex] of longs) expect(bytes((w) => w.varlong(v))).toBe(hex);
    expect(bytes((w) => w.varlongNumber(-1))).toBe('01');
    expect(bytes((w) => w.varlongNumber(2 ** 40))).toBe(bytes((w) => w.varlong(2n ** 40n)));
  });

  it('writes the classic and compact forms of strings, bytes and arrays', () => {
    expect(bytes((w) => w.nullableString(null).string('').string('é'))).toBe('ffff00000002c3a9');
    expect(bytes((w) => w.nullableCompactString(null).compactString('').compactString('é'))).toBe(
      '000103c3a9',
    );
    expect(bytes((w) => w.nullableBytes(null).bytes(Buffer.from([7])))).toBe('ffffffff0000000107');
    expect(bytes((w) => w.nullableCompactBytes(null).compactBytes(Buffer.alloc(0)))).toBe('0001');
    expect(bytes((w) => w.arrayLength(null).arrayLength(2))).toBe('ffffffff00000002');
    expect(bytes((w) => w.compactArrayLength(null).compactArrayLength(2))).toBe('0003');
  });

  it('refuses a classic string longer than 32767 bytes', () => {
    expect(() => new Writer().string('x'.repeat(0x8000))).toThrow(invalid);
    expect(bytes((w) => w.compactString('x'.repeat(0x8000))).length).toBe((3 + 0x8000) * 2);
  });

  it('grows its buffer as needed, from any initial size', () => {
    for (const initial of [0, 1, 5]) {
      const w = new Writer(initial);
      for (let i = 0; i < 1000; i++) w.int32(i);
      const out = w.finish();
      expect(out.length).toBe(4000);
      expect(out.readInt32BE(4 * 999)).toBe(999);
    }
  });

  it('merges known and unknown tagged fields in tag order', () => {
    const hex = bytes((w) =>
      w.taggedFields(
        [
          [5, (tw) => tw.int8(5)],
          [1, (tw) => tw.int16(1)],
        ],
        [{ tag: 3, data: Buffer.from([0xaa]) }],
      ),
    );
    expect(hex).toBe('03' + '01020001' + '0301aa' + '050105');
    expect(bytes((w) => w.taggedFields([], undefined))).toBe('00');
  });

  it('refuses a tag written twice', () => {
    expect(() =>
      new Writer().taggedFields([[1, (tw) => tw.int8(0)]], [{ tag: 1, data: Buffer.alloc(0) }]),
    ).toThrow(ProtocolError);
  });

  it('round-trips every primitive through Reader (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.maxSafeInteger(),
        unicode,
        fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }),
        fc.double(),
        (u, i, l, ul, safe, s, b, d) => {
          const w = new Writer(0);
          w.uvarint(u)
            .varint(i)
            .varlong(l)
            .uvarlong(ul)
            .varlongNumber(safe)
            .compactString(s)
            .string(s.slice(0, 100));
          w.nullableBytes(b).nullableCompactBytes(b).float64(d).int64(l);
          const r = new Reader(Buffer.from(w.finish()));
          expect([r.uvarint(), r.varint(), r.varlong(), r.uvarlong(), r.varlongNumber()]).toEqual([
            u,
            i,
            l,
            ul,
            safe,
          ]);
          expect([r.compactString(), r.string()]).toEqual([s, s.slice(0, 100)]);
          const expected = b === null ? null : Buffer.from(b);
          expect([r.nullableBytes(), r.nullableCompactBytes(), r.float64(), r.int64()]).toEqual([
            expected,
            expected,
            d,
            l,
          ]);
          expect(r.remaining).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
