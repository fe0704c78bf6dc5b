import { createRequire } from 'node:module';
import { ProtocolError } from '../errors.js';

/*
 * Snappy as Kafka clients write it. librdkafka and newer clients write one raw snappy block;
 * Kafka's Java producer writes snappy-java's "xerial" framing:
 *
 *   0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00   magic (8 bytes)
 *   int32 version, int32 compatible version   (both 1 in the wild)
 *   { int32 length, raw snappy block }*  each block ≤ 32 KiB uncompressed by default
 *
 * We decode both (as librdkafka and Kafka do) and encode raw snappy, which every client reads.
 * The native decoder allocates the length a block claims in its preamble before decoding, so the
 * preamble is checked against the caller's limit and against snappy's maximum ratio first.
 */

type SnappyModule = typeof import('snappy');

let snappy: SnappyModule | undefined;

/** Loaded on first use: the native module costs startup time every CLI command would pay. */
function lib(): SnappyModule {
  return (snappy ??= createRequire(import.meta.url)('snappy') as SnappyModule);
}

/**
 * Copy the output into a V8-allocated Buffer: napi-rs's default hands out the Rust allocation as
 * an external buffer, freed only when a GC finalises it, and under sustained load that churn
 * made compression 4× and decompression 6× slower here (docs/compression.md).
 */
const COPY = { copyOutputData: true } as const;
const UNCOMPRESS = { asBuffer: true, copyOutputData: true } as const;

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;

/**
 * A raw snappy block expands at most ~21.3× (a 3-byte copy emits 64 bytes); a preamble claiming
 * more than this cannot be honest, and refusing it early keeps allocations proportional to input.
 */
const MAX_SNAPPY_RATIO = 22;

/** Compresses `data` as one raw snappy block. */
export function snappyCompress(data: Buffer): Buffer {
  return lib().compressSync(data, COPY);
}

/** True when `data` starts with snappy-java's xerial stream header. */
export function isXerialSnappy(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

/** Decompresses raw or xerial-framed snappy, refusing output beyond `maxBytes`. */
export function snappyDecompress(data: Buffer, maxBytes: number): Buffer {
  if (!isXerialSnappy(data)) return rawBlock(data, uncompressedLength(data, maxBytes));
  const blocks: Buffer[] = [];
  const lengths: number[] = [];
  let total = 0;
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (data.length - pos < 4) throw corrupt('xerial block length is truncated');
    const length = data.readInt32BE(pos);
    pos += 4;
    if (length < 0 || length > data.length - pos) {
      throw corrupt(`xerial block length ${length} exceeds the ${data.length - pos} bytes left`);
    }
    const block = data.subarray(pos, pos + length);
    pos += length;
    const n = uncompressedLength(block, maxBytes - total);
    total += n;
    blocks.push(block);
    lengths.push(n);
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < blocks.length; i++) {
    at += rawBlock(blocks[i]!, lengths[i]!).copy(out, at);
  }
  return out;
}

/** Reads a raw block's preamble (uvarint uncompressed length) and checks it. */
function uncompressedLength(block: Buffer, maxBytes: number): number {
  let n = 0;
  let i = 0;
  for (;;) {
    if (i >= block.length || i === 5) throw corrupt('bad length preamble');
    const b = block[i]!;
    n += (b & 0x7f) * 2 ** (7 * i);
    i++;
    if (b < 0x80) break;
  }
  if (n > maxBytes) {
    throw new ProtocolError(
      'invalid-length',
      `snappy: uncompressed size ${n} exceeds the limit of ${Math.max(0, maxBytes)} bytes`,
    );
  }
  if (n > block.length * MAX_SNAPPY_RATIO + 32) {
    throw corrupt(`a ${block.length}-byte block cannot expand to ${n} bytes`);
  }
  return n;
}

function rawBlock(block: Buffer, expected: number): Buffer {
  let out: string | Buffer;
  try {
    out = lib().uncompressSync(block, UNCOMPRESS);
  } catch (err) {
    throw corrupt(err instanceof Error ? err.message : String(err));
  }
  if (typeof out === 'string' || out.length !== expected) {
    throw corrupt(`block decoded to ${out.length} bytes, its preamble says ${expected}`);
  }
  return out;
}

function corrupt(why: string): ProtocolError {
  return new ProtocolError('invalid-value', `snappy: ${why}`);
}
