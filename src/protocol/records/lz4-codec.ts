import { createRequire } from 'node:module';
import { ProtocolError } from '../errors.js';

/*
 * LZ4 as Kafka uses it for magic v2: the standard LZ4 *frame* format (lz4_Frame_format.md),
 *
 *   magic 0x184D2204 (LE) · FLG · BD · [content size u64 LE] · [dict id u32] · HC
 *   { block size u32 LE (bit 31: stored uncompressed) · data · [block checksum u32] }*
 *   end mark 0x00000000 · [content checksum u32]
 *
 * with blocks from lz4-napi (lz4_flex, prebuilt). We parse the frame ourselves and hand lz4-napi
 * one block at a time: its own frame functions were 3-4× slower on the 64 KiB-block frames
 * librdkafka and Java write (each call's output is a Rust allocation that lives until a GC),
 * and walking the headers first bounds the output before anything is decoded. Frames with
 * linked blocks (a block may refer to the previous one) go to lz4-napi's frame decoder whole.
 * The frame's own checksums are not verified on the block path: the batch's CRC-32C already
 * covers every compressed byte.
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
const FLG_BLOCK_INDEPENDENT = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x02;
const FLG_DICT_ID = 0x01;
const BLOCK_UNCOMPRESSED = 0x80000000;

/**
 * The frame header librdkafka and Kafka's Java client write: version 1, independent blocks, no
 * checksums or content size, 64 KiB blocks; 0x82 is the header checksum (xxh32 of FLG BD >> 8).
 */
const FRAME_HEADER = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]);
const WRITE_BLOCK = 64 * 1024;

/** Compresses `data` as one LZ4 frame of independent 64 KiB blocks, as Kafka's clients do. */
export function lz4Compress(data: Buffer): Buffer {
  const compress = lib().compressSync;
  const parts: Buffer[] = [FRAME_HEADER];
  let total = FRAME_HEADER.length + 4;
  for (let at = 0; at < data.length; at += WRITE_BLOCK) {
    const chunk = data.subarray(at, at + WRITE_BLOCK);
    // lz4-napi's block format prepends the uncompressed size (u32 LE); the frame does not.
    const packed = compress(chunk);
    const size = Buffer.allocUnsafe(4);
    if (packed.length - 4 < chunk.length) {
      size.writeUInt32LE(packed.length - 4);
      parts.push(size, packed.subarray(4));
      total += packed.length;
    } else {
      size.writeUInt32LE((chunk.length | BLOCK_UNCOMPRESSED) >>> 0);
      parts.push(size, chunk);
      total += 4 + chunk.length;
    }
  }
  parts.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(parts, total);
}

interface Block {
  start: number;
  size: number;
  stored: boolean;
}

interface Frame {
  start: number;
  end: number;
  blockMax: number;
  independent: boolean;
  /** Declared content size, or -1. */
  contentSize: number;
  blocks: Block[];
}

/** The largest LZ4 block (block size id 7). */
const MAX_BLOCK = 4 * 1024 * 1024;
/** An LZ4 sequence emits at most 255 bytes per input byte (one match-length extension byte). */
const MAX_LZ4_RATIO = 255;

/** Block input with lz4-napi's 4-byte size prefix, reused across calls. */
let scratch = Buffer.alloc(0);

/**
 * Decompresses one or more concatenated LZ4 frames, refusing output beyond `maxBytes`. Each
 * decoded block is at most its frame's block size, and the total is checked as it grows, so
 * nothing beyond `maxBytes` plus one block (≤ 4 MiB) is ever allocated.
 */
export function lz4Decompress(data: Buffer, maxBytes: number): Buffer {
  const frames = walkFrames(data);
  const parts: Buffer[] = [];
  let total = 0;
  for (const frame of frames) {
    let frameTotal = 0;
    if (!frame.independent) {
      if (frameBound(frame) > maxBytes - total + MAX_BLOCK) throw tooLarge(`more than ${maxBytes}`, maxBytes);
      const out = decodeWholeFrame(data.subarray(frame.start, frame.end));
      parts.push(out);
      frameTotal = out.length;
    } else {
      for (const block of frame.blocks) {
        const out = block.stored
          ? data.subarray(block.start, block.start + block.size)
          : decodeBlock(data, block, frame.blockMax);
        parts.push(out);
        frameTotal += out.length;
        if (total + frameTotal > maxBytes) throw tooLarge(`more than ${maxBytes}`, maxBytes);
      }
    }
    if (frame.contentSize >= 0 && frameTotal !== frame.contentSize) {
      throw corrupt(`frame decoded to ${frameTotal} bytes, its header says ${frame.contentSize}`);
    }
    total += frameTotal;
    if (total > maxBytes) throw tooLarge(String(total), maxBytes);
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
}

function decodeBlock(data: Buffer, block: Block, blockMax: number): Buffer {
  if (scratch.length < block.size + 4) scratch = Buffer.allocUnsafe(Math.max(block.size, 64 * 1024) + 4);
  // The prefix is the output capacity: lz4_flex allocates that much, decodes into it and returns
  // what it used. The ratio limit keeps a small block in a 4 MiB-block frame from costing 4 MiB.
  scratch.writeUInt32LE(Math.min(blockMax, block.size * MAX_LZ4_RATIO + 16), 0);
  data.copy(scratch, 4, block.start, block.start + block.size);
  try {
    return lib().uncompressSync(scratch.subarray(0, block.size + 4));
  } catch (err) {
    throw corrupt(err instanceof Error ? err.message : String(err));
  }
}

function decodeWholeFrame(frame: Buffer): Buffer {
  try {
    return lib().decompressFrameSync(frame);
  } catch (err) {
    throw corrupt(err instanceof Error ? err.message : String(err));
  }
}

function frameBound(frame: Frame): number {
  let bound = 0;
  for (const b of frame.blocks) {
    bound += b.stored ? b.size : Math.min(frame.blockMax, b.size * MAX_LZ4_RATIO + 16);
  }
  return frame.contentSize >= 0 ? Math.min(bound, frame.contentSize) : bound;
}

/**
 * An upper bound of the decompressed size of the LZ4 frames in `data`, from their headers
 * alone: stored blocks count their size, compressed blocks the smaller of the frame's block
 * maximum and LZ4's ratio limit; a declared content size caps its frame.
 */
export function lz4OutputBound(data: Buffer): number {
  return walkFrames(data).reduce((n, f) => n + frameBound(f), 0);
}

/** Validates the frame structure of `data` and lists its frames and blocks. */
function walkFrames(data: Buffer): Frame[] {
  const frames: Frame[] = [];
  let pos = 0;
  do {
    const start = pos;
    if (data.length - pos < 7) throw corrupt('frame header is truncated');
    const magic = data.readUInt32LE(pos);
    if (magic !== FRAME_MAGIC) throw corrupt(`bad frame magic 0x${magic.toString(16)}`);
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
    pos += 1; // header checksum
    const checksumSize = (flg & FLG_BLOCK_CHECKSUM) !== 0 ? 4 : 0;
    const blocks: Block[] = [];
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
      blocks.push({ start: pos, size, stored });
      pos += size + checksumSize;
    }
    if ((flg & FLG_CONTENT_CHECKSUM) !== 0) {
      if (data.length - pos < 4) throw corrupt('content checksum is truncated');
      pos += 4;
    }
    const independent = (flg & FLG_BLOCK_INDEPENDENT) !== 0;
    frames.push({ start, end: pos, blockMax, independent, contentSize, blocks });
  } while (pos < data.length);
  return frames;
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
