import { createRequire } from 'node:module';
import { ProtocolError } from '../errors.js';

/*
 * LZ4 as Kafka uses it for magic v2: the standard LZ4 *frame* format (lz4_Frame_format.md),
 * decoded and encoded by lz4-napi (lz4_flex, prebuilt). Before handing a frame to the native
 * decoder we walk its headers: that validates the structure and bounds the output from the
 * block sizes, so a forged frame is refused before anything is allocated for it.
 *
 *   magic 0x184D2204 (LE) · FLG · BD · [content size u64 LE] · [dict id u32] · HC
 *   { block size u32 LE (bit 31: stored uncompressed) · data · [block checksum u32] }*
 *   end mark 0x00000000 · [content checksum u32]
 */

type Lz4Module = typeof import('lz4-napi');

let lz4: Lz4Module | undefined;

/** Loaded on first use: the native module costs startup time every CLI command would pay. */
function lib(): Lz4Module {
  return (lz4 ??= createRequire(import.meta.url)('lz4-napi') as Lz4Module);
}

const FRAME_MAGIC = 0x184d2204;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION_01 = 0x40;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x02;
const FLG_DICT_ID = 0x01;
const BLOCK_UNCOMPRESSED = 0x80000000;
/** An LZ4 sequence emits at most 255 bytes per input byte (one match-length extension byte). */
const MAX_LZ4_RATIO = 255;

/** Compresses `data` as one LZ4 frame (64 KiB independent blocks, as librdkafka writes). */
export function lz4Compress(data: Buffer): Buffer {
  return lib().compressFrameSync(data);
}

/** The largest LZ4 block (block size id 7). */
const MAX_BLOCK = 4 * 1024 * 1024;

/**
 * Decompresses one or more concatenated LZ4 frames, refusing output beyond `maxBytes`. The
 * header walk bounds the output before decoding; since the last block of a frame is usually
 * partial, that bound can exceed the real size by up to one block, so frames are decoded when
 * the bound is within the limit plus one largest block (4 MiB) and the real size is then
 * checked. Allocation thus stays below `maxBytes + 4 MiB` and LZ4's 255× ratio of the input.
 */
export function lz4Decompress(data: Buffer, maxBytes: number): Buffer {
  const { bound, frameEnds } = walkFrames(data);
  if (bound > maxBytes + MAX_BLOCK) throw tooLarge(`up to ${bound}`, maxBytes);
  let out: Buffer;
  if (frameEnds.length === 1) {
    out = decodeFrame(data);
  } else {
    // lz4-napi decodes only the first of concatenated frames, so split them here.
    const parts: Buffer[] = [];
    let start = 0;
    for (const end of frameEnds) {
      parts.push(decodeFrame(data.subarray(start, end)));
      start = end;
    }
    out = Buffer.concat(parts);
  }
  if (out.length > bound) throw corrupt(`decoded ${out.length} bytes, more than its blocks allow`);
  if (out.length > maxBytes) throw tooLarge(String(out.length), maxBytes);
  return out;
}

function decodeFrame(frame: Buffer): Buffer {
  try {
    return lib().decompressFrameSync(frame);
  } catch (err) {
    throw corrupt(err instanceof Error ? err.message : String(err));
  }
}

/** Upper bound of the decompressed size of the LZ4 frames in `data` (see {@link walkFrames}). */
export function lz4OutputBound(data: Buffer): number {
  return walkFrames(data).bound;
}

/**
 * Validates the frame structure of `data`: returns an upper bound of its decompressed size
 * (stored blocks count their size, compressed blocks the smaller of the frame's block maximum
 * and LZ4's ratio limit, a declared content size caps its frame) and where each frame ends.
 */
function walkFrames(data: Buffer): { bound: number; frameEnds: number[] } {
  const frameEnds: number[] = [];
  let pos = 0;
  let total = 0;
  do {
    if (data.length - pos < 7) throw corrupt('frame header is truncated');
    if (data.readUInt32LE(pos) !== FRAME_MAGIC) {
      throw corrupt(`bad frame magic 0x${data.readUInt32LE(pos).toString(16)}`);
    }
    const flg = data[pos + 4]!;
    const bd = data[pos + 5]!;
    pos += 6;
    if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01)
      throw corrupt(`unsupported frame version (FLG 0x${hex(flg)})`);
    if ((flg & FLG_RESERVED) !== 0 || (bd & 0x8f) !== 0) throw corrupt('reserved header bits are set');
    const blockSizeId = (bd >> 4) & 0x07;
    if (blockSizeId < 4) throw corrupt(`unknown block size id ${blockSizeId}`);
    const blockMax = 1 << (2 * blockSizeId + 8);
    let contentSize = -1;
    if ((flg & FLG_CONTENT_SIZE) !== 0) {
      if (data.length - pos < 8) throw corrupt('content size is truncated');
      const size = data.readBigUInt64LE(pos);
      contentSize = size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size);
      pos += 8;
    }
    if ((flg & FLG_DICT_ID) !== 0) throw corrupt('frames with a dictionary id are not supported');
    pos += 1; // header checksum, verified by the decoder
    const checksumSize = (flg & FLG_BLOCK_CHECKSUM) !== 0 ? 4 : 0;
    let frameBound = 0;
    for (;;) {
      if (data.length - pos < 4) throw corrupt('block size is truncated');
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      const stored = word >= BLOCK_UNCOMPRESSED;
      const size = stored ? word - BLOCK_UNCOMPRESSED : word;
      if (size > blockMax)
        throw corrupt(`block of ${size} bytes exceeds the frame's ${blockMax}-byte maximum`);
      if (size + checksumSize > data.length - pos) throw corrupt('block is truncated');
      pos += size + checksumSize;
      frameBound += stored ? size : Math.min(blockMax, size * MAX_LZ4_RATIO + 16);
    }
    if ((flg & FLG_CONTENT_CHECKSUM) !== 0) {
      if (data.length - pos < 4) throw corrupt('content checksum is truncated');
      pos += 4;
    }
    total += contentSize >= 0 ? Math.min(contentSize, frameBound) : frameBound;
    frameEnds.push(pos);
  } while (pos < data.length);
  return { bound: total, frameEnds };
}

function tooLarge(size: string, maxBytes: number): ProtocolError {
  return new ProtocolError(
    'invalid-length',
    `lz4: uncompressed size ${size} exceeds the limit of ${maxBytes} bytes`,
  );
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

function corrupt(why: string): ProtocolError {
  return new ProtocolError('invalid-value', `lz4: ${why}`);
}
