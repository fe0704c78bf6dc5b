import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isProtocolError } from '../../src/protocol/errors.js';
import { Reader } from '../../src/protocol/primitives/reader.js';
import { Writer } from '../../src/protocol/primitives/writer.js';
import type { Codec, Value } from './schema.js';
import { codecOf, messageArb, model, versionsOf } from './schema.js';

/**
 * Feeds every decoder of every version with mutated valid encodings and random bytes. The error
 * discipline: a decoder returns a value or throws a ProtocolError, nothing else (a RangeError
 * from a Buffer read would be a missed bounds check). A decoded value must hold no more array
 * elements than the bytes it came from, and must survive re-encoding unchanged. Iteration counts
 * (not time) bound the run so that it is deterministic; FUZZ_FACTOR scales them.
 */

const FACTOR = Number(process.env.FUZZ_FACTOR ?? 1);
const VALID_PER_VERSION = 2 * FACTOR;
const MUTATIONS_PER_VALID = 12 * FACTOR;
const RANDOM_PER_VERSION = 4 * FACTOR;

/** mulberry32: a small seeded PRNG, so a failure reproduces. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];
const INTERESTING_INT32 = [0x7fffffff, -0x80000000, -1, -2, 0x10000, 0x0fffffff];

function mutate(input: Buffer, rand: (n: number) => number): Buffer {
  const b = Buffer.from(input);
  const at = (): number => rand(Math.max(b.length, 1));
  switch (rand(7)) {
    case 0:
      if (b.length > 0) b[at()]! ^= 1 << rand(8);
      return b;
    case 1:
      if (b.length > 0) b[at()] = INTERESTING_BYTES[rand(INTERESTING_BYTES.length)]!;
      return b;
    case 2:
      return b.subarray(0, rand(b.length + 1));
    case 3: {
      const i = at();
      const extra = Buffer.from(Array.from({ length: 1 + rand(8) }, () => rand(256)));
      return Buffer.concat([b.subarray(0, i), extra, b.subarray(i)]);
    }
    case 4:
      if (b.length >= 4)
        b.writeInt32BE(INTERESTING_INT32[rand(INTERESTING_INT32.length)]!, rand(b.length - 3));
      return b;
    case 5: {
      const i = at();
      const j = i + rand(b.length - i + 1);
      return Buffer.concat([b.subarray(0, j), b.subarray(i, j), b.subarray(j)]);
    }
    default: {
      const i = at();
      return Buffer.concat([b.subarray(0, i), b.subarray(i + 1 + rand(4))]);
    }
  }
}

function countElements(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, e: unknown) => n + countElements(e), v.length);
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return 0;
  return Object.values(v).reduce((n: number, e: unknown) => n + countElements(e), 0);
}

function encode(codec: Codec, value: Value, version: number): Buffer {
  const w = new Writer(64);
  codec.encode(w, value, version);
  return Buffer.from(w.finish());
}

/** Decodes `input`, checking the error discipline; returns whether it decoded. */
function check(codec: Codec, input: Buffer, version: number): boolean {
  const r = new Reader(input);
  let decoded: Value;
  try {
    decoded = codec.decode(r, version);
  } catch (err) {
    if (!isProtocolError(err)) throw err;
    return false;
  }
  expect(countElements(decoded)).toBeLessThanOrEqual(r.offset);
  const again = codec.decode(new Reader(encode(codec, decoded, version)), version);
  expect(again).toStrictEqual(decoded);
  return true;
}

describe('decoder fuzzing', () => {
  for (const m of model.messages) {
    it(`${m.name}: mutated and random frames fail only with ProtocolError`, () => {
      const codec = codecOf(m);
      let decodedSome = 0;
      for (const version of versionsOf(m)) {
        const rand = prng((m.name.length * 7919 + version) | 0);
        const valid = fc
          .sample(messageArb(m, version), { numRuns: VALID_PER_VERSION, seed: version })
          .map((v) => encode(codec, v, version));
        for (const bytes of valid) {
          for (let i = 0; i < MUTATIONS_PER_VALID; i++)
            if (check(codec, mutate(bytes, rand), version)) decodedSome++;
        }
        for (let i = 0; i < RANDOM_PER_VERSION; i++) {
          const random = Buffer.from(Array.from({ length: rand(64) }, () => rand(256)));
          check(codec, random, version);
        }
      }
      // Sanity: mutations that keep a frame decodable (e.g. a flipped value bit) do occur.
      expect(decodedSome).toBeGreaterThan(0);
    });
  }

  it('rejects versions outside validVersions with unsupported-version', () => {
    for (const m of model.messages) {
      const codec = codecOf(m);
      const [lo, hi] = m.validVersions!;
      for (const v of [lo - 1, hi + 1]) {
        expect(() => codec.decode(new Reader(Buffer.alloc(64)), v)).toThrow(
          expect.objectContaining({ kind: 'unsupported-version' }),
        );
        expect(() => {
          encode(codec, codec.create(), v);
        }).toThrow(expect.objectContaining({ kind: 'unsupported-version' }));
      }
    }
  });
});
