import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isProtocolError } from '../errors.js';
import { CompressionType } from './batch-view.js';
import { compress, compressionName, compressionReady, decompress, initCompression } from './compression.js';
import { lz4OutputBound } from './lz4-codec.js';
import { isXerialSnappy, snappyCompress } from './snappy-codec.js';

const FIXTURES = new URL('../../../test/fixtures/record-batches/', import.meta.url);

function sequenceValue(i: number): string {
  return `{"id":${i},"user":"user-${i % 37}","amount":${(i * 7919) % 10000},"note":"lorem ipsum dolor sit amet"}`;
}

const CODECS = [
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
  CompressionType.Zstd,
] as const;

function errorKind(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isProtocolError(err)) return err.kind;
    throw err;
  }
  return 'no error';
}

/** JSON-ish text: what Kafka batches usually carry, compressible like real data. */
function jsonish(bytes: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = `{"id":${i},"user":"user-${i % 97}","amount":${(i * 7919) % 10000},"ok":${i % 3 === 0}}`;
    parts.push(s);
    size += s.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

/**
 * Rewrites a zstd frame so that it no longer declares its content size (as librdkafka's and
 * Java's streaming compressors write): single-segment off, a window descriptor instead.
 */
function withoutContentSize(frame: Buffer, contentLength: number): Buffer {
  const fhd = frame[4]!;
  const fcsFlag = fhd >> 6;
  const single = (fhd >> 5) & 1;
  const dictFlag = fhd & 3;
  const fcsSize = [single ? 1 : 0, 2, 4, 8][fcsFlag]!;
  const headerEnd = 5 + (single ? 0 : 1) + [0, 1, 2, 4][dictFlag]! + fcsSize;
  const windowLog = Math.max(10, Math.ceil(Math.log2(Math.max(2, contentLength))));
  const descriptor = (windowLog - 10) << 3;
  return Buffer.concat([
    frame.subarray(0, 4),
    Buffer.from([fhd & 0x04, descriptor]),
    frame.subarray(headerEnd),
  ]);
}

describe('codecs before initCompression()', () => {
  it('zstd refuses with a plain Error naming the fix; the other codecs work', async () => {
    expect(compressionReady()).toBe(false);
    expect(() => compress(CompressionType.Zstd, Buffer.from('x'))).toThrow(/initCompression/);
    const data = jsonish(1000);
    for (const codec of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4]) {
      expect(decompress(codec, compress(codec, data)).equals(data)).toBe(true);
    }
    await initCompression();
    await initCompression(); // idempotent
    expect(compressionReady()).toBe(true);
  });
});

describe.each(CODECS)('codec %s', (codec) => {
  it('round-trips empty, tiny, JSON-ish and incompressible data', async () => {
    await initCompression();
    for (const data of [Buffer.alloc(0), Buffer.from('a'), jsonish(300_000), randomBytes(100_000)]) {
      expect(decompress(codec, compress(codec, data)).equals(data)).toBe(true);
    }
  });

  it('round-trips arbitrary bytes (property)', async () => {
    await initCompression();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        const data = Buffer.from(bytes);
        expect(decompress(codec, compress(codec, data)).equals(data)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses output beyond the limit with invalid-length', async () => {
    await initCompression();
    const packed = compress(codec, Buffer.alloc(1 << 20));
    expect(errorKind(() => decompress(codec, packed, 100_000))).toBe('invalid-length');
    expect(decompress(codec, packed, 1 << 20).length).toBe(1 << 20);
  });

  it('fails with a ProtocolError on garbage and on truncation', async () => {
    await initCompression();
    expect(errorKind(() => decompress(codec, Buffer.from('definitely not compressed data')))).not.toBe(
      'no error',
    );
    const packed = compress(codec, jsonish(50_000));
    expect(errorKind(() => decompress(codec, packed.subarray(0, packed.length >> 1)))).not.toBe('no error');
  });
});

describe('decompress', () => {
  it('refuses the unused compression codes 5-7', () => {
    for (const code of [5, 6, 7])
      expect(errorKind(() => decompress(code, Buffer.alloc(4)))).toBe('invalid-value');
  });

  it('returns uncompressed data as is', () => {
    const data = Buffer.from('plain');
    expect(decompress(CompressionType.None, data)).toBe(data);
    expect(compress(CompressionType.None, data)).toBe(data);
  });

  it('names the codecs as Kafka does', () => {
    expect([0, 1, 2, 3, 4, 5].map(compressionName)).toEqual([
      'none',
      'gzip',
      'snappy',
      'lz4',
      'zstd',
      'unknown(5)',
    ]);
  });
});

describe('snappy', () => {
  function xerial(data: Buffer, chunk: number): Buffer {
    const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
    const parts: Buffer[] = [header];
    for (let i = 0; i < data.length; i += chunk) {
      const block = snappyCompress(data.subarray(i, i + chunk));
      const length = Buffer.alloc(4);
      length.writeInt32BE(block.length);
      parts.push(length, block);
    }
    return Buffer.concat(parts);
  }

  it('encodes raw snappy (no xerial header)', () => {
    expect(isXerialSnappy(compress(CompressionType.Snappy, jsonish(100_000)))).toBe(false);
  });

  it('decodes xerial framing (Kafka Java producer) with many chunks', () => {
    const data = jsonish(200_000);
    const framed = xerial(data, 32 * 1024);
    expect(isXerialSnappy(framed)).toBe(true);
    expect(decompress(CompressionType.Snappy, framed).equals(data)).toBe(true);
    expect(decompress(CompressionType.Snappy, xerial(Buffer.alloc(0), 1)).length).toBe(0);
  });

  it('checks xerial chunk lengths and the total against the limit', () => {
    const framed = xerial(Buffer.alloc(100_000), 32 * 1024);
    expect(errorKind(() => decompress(CompressionType.Snappy, framed, 50_000))).toBe('invalid-length');
    expect(errorKind(() => decompress(CompressionType.Snappy, framed.subarray(0, framed.length - 3)))).toBe(
      'invalid-value',
    );
    const negative = Buffer.from(framed);
    negative.writeInt32BE(-5, 16);
    expect(errorKind(() => decompress(CompressionType.Snappy, negative))).toBe('invalid-value');
  });

  it('refuses a forged preamble before allocating for it', () => {
    // Claims 0xffffffff bytes in a 6-byte block: over the limit, and over snappy's ratio.
    const forged = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    expect(errorKind(() => decompress(CompressionType.Snappy, forged))).toBe('invalid-length');
    expect(errorKind(() => decompress(CompressionType.Snappy, forged, 2 ** 33))).toBe('invalid-value');
    expect(errorKind(() => decompress(CompressionType.Snappy, Buffer.from([0x80, 0x80])))).toBe(
      'invalid-value',
    );
  });
});

describe('lz4', () => {
  it('bounds the output from the frame headers before decoding', () => {
    const data = jsonish(300_000);
    const packed = compress(CompressionType.Lz4, data);
    const bound = lz4OutputBound(packed);
    expect(bound).toBeGreaterThanOrEqual(data.length);
    // Loose by at most the frame's partial last block (lz4-napi picks 4 MiB blocks here).
    expect(bound).toBeLessThanOrEqual(data.length + 4 * 1024 * 1024);
  });

  it('refuses a bad magic, reserved bits, an oversized or truncated block', () => {
    const packed = compress(CompressionType.Lz4, jsonish(10_000));
    const magic = Buffer.from(packed);
    magic[0] = 0;
    expect(errorKind(() => decompress(CompressionType.Lz4, magic))).toBe('invalid-value');
    const reserved = Buffer.from(packed);
    reserved[4]! |= 0x02;
    expect(errorKind(() => decompress(CompressionType.Lz4, reserved))).toBe('invalid-value');
    const oversized = Buffer.from(packed);
    oversized.writeUInt32LE(0x7fffffff, 7);
    expect(errorKind(() => decompress(CompressionType.Lz4, oversized))).toBe('invalid-value');
    expect(errorKind(() => decompress(CompressionType.Lz4, packed.subarray(0, 20)))).toBe('invalid-value');
  });

  it('writes frames as librdkafka does: 64 KiB independent blocks, no checksums', () => {
    const librdkafka = readFileSync(new URL('librdkafka-lz4-large.bin', FIXTURES)).subarray(61, 68);
    const ours = compress(CompressionType.Lz4, jsonish(200_000));
    expect(ours.subarray(0, 7).equals(librdkafka)).toBe(true);
    expect(ours.readUInt32LE(7)).toBeLessThanOrEqual(64 * 1024);
  });

  it('stores incompressible blocks uncompressed', () => {
    const data = randomBytes(100_000);
    const packed = compress(CompressionType.Lz4, data);
    expect(packed.readUInt32LE(7) >>> 31).toBe(1);
    expect(decompress(CompressionType.Lz4, packed).equals(data)).toBe(true);
  });

  it('decodes linked blocks with checksums and a content size (liblz4 via python3-lz4)', () => {
    const frame = readFileSync(new URL('lz4-linked-blocks.lz4', FIXTURES));
    const expected = Array.from({ length: 3000 }, (_, i) => sequenceValue(i)).join('');
    expect(decompress(CompressionType.Lz4, frame).toString()).toBe(expected);
    expect(errorKind(() => decompress(CompressionType.Lz4, frame, 100_000))).toBe('invalid-length');
  });

  it("decodes lz4-napi's own frames (4 MiB blocks)", () => {
    const lz4 = createRequire(import.meta.url)('lz4-napi') as typeof import('lz4-napi');
    const data = jsonish(1_500_000);
    const frame = lz4.compressFrameSync(data);
    expect(frame[5]! >> 4).toBe(7);
    expect(decompress(CompressionType.Lz4, frame).equals(data)).toBe(true);
  });

  it('refuses a declared content size that disagrees with the blocks', () => {
    const blocks = compress(CompressionType.Lz4, Buffer.from('hello hello hello')).subarray(7);
    // FLG 0x68: independent blocks + content size (5, while the blocks hold 17 bytes).
    const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x68, 0x40, 5, 0, 0, 0, 0, 0, 0, 0, 0x00]);
    expect(errorKind(() => decompress(CompressionType.Lz4, Buffer.concat([header, blocks])))).toBe(
      'invalid-value',
    );
  });

  it('decodes concatenated frames', () => {
    const a = jsonish(70_000);
    const b = Buffer.from('second frame');
    const both = Buffer.concat([compress(CompressionType.Lz4, a), compress(CompressionType.Lz4, b)]);
    expect(decompress(CompressionType.Lz4, both).equals(Buffer.concat([a, b]))).toBe(true);
  });
});

describe('zstd', () => {
  it('decodes frames that do not declare their content size, growing the output', async () => {
    await initCompression();
    for (const size of [10, 100_000, 3_000_000]) {
      const data = jsonish(size);
      const frame = withoutContentSize(compress(CompressionType.Zstd, data), size);
      expect(decompress(CompressionType.Zstd, frame).equals(data)).toBe(true);
      expect(errorKind(() => decompress(CompressionType.Zstd, frame, size - 1))).toBe('invalid-length');
    }
  });

  it('refuses a declared content size above the limit without decoding', async () => {
    await initCompression();
    const frame = compress(CompressionType.Zstd, Buffer.alloc(200_000));
    expect(errorKind(() => decompress(CompressionType.Zstd, frame, 199_999))).toBe('invalid-length');
  });

  it('decodes concatenated frames', async () => {
    await initCompression();
    const a = jsonish(5000);
    const b = jsonish(7000);
    const both = Buffer.concat([compress(CompressionType.Zstd, a), compress(CompressionType.Zstd, b)]);
    expect(decompress(CompressionType.Zstd, both).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('honours the level', async () => {
    await initCompression();
    const data = jsonish(200_000);
    expect(compress(CompressionType.Zstd, data, 19).length).toBeLessThan(
      compress(CompressionType.Zstd, data, 1).length,
    );
  });
});
