import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { ProtocolError } from '../errors.js';
import { CompressionType } from './batch-view.js';
import { lz4Compress, lz4Decompress } from './lz4-codec.js';
import { snappyCompress, snappyDecompress } from './snappy-codec.js';
import { initZstd, zstdCompress, zstdDecompress, zstdReady } from './zstd-codec.js';

/*
 * The four codecs of record batches behind one synchronous API. Packages (see
 * docs/compression.md): gzip node:zlib, snappy `snappy` (napi-rs, prebuilt), lz4 `lz4-napi`
 * (prebuilt), zstd `@bokuweb/zstd-wasm` (WebAssembly). Only zstd needs an asynchronous start
 * (compiling its wasm), hence {@link initCompression}.
 */

/**
 * Default cap on a batch's decompressed records: 64 MiB. A compressed batch is at most a few
 * MiB (Kafka's default max.message.bytes is 1 MiB) and typical ratios are 2-10×, so 64 MiB
 * leaves room for very compressible data while bounding what a forged batch can make us
 * allocate. An absolute cap rather than N× the input: zeros and repetitive JSON legitimately
 * compress far beyond any ratio one would pick, and a fixed number is easy to reason about.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

const NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/** Kafka's name for a compression code ("none", "gzip", …), or `unknown(N)`. */
export function compressionName(code: number): string {
  return NAMES[code] ?? `unknown(${code})`;
}

/**
 * Prepares the codecs that need asynchronous set-up (zstd's WebAssembly). Call it once at start
 * (broker, client); it is idempotent. Until it resolves, zstd calls throw a plain `Error`
 * (a programming error, not bad input); gzip, snappy and lz4 work without it.
 *
 * @example
 * await initCompression();
 * const bytes = compress(CompressionType.Zstd, records);
 */
export function initCompression(): Promise<void> {
  return initZstd();
}

/** True once every codec is usable synchronously. */
export function compressionReady(): boolean {
  return zstdReady();
}

/**
 * Compresses `data` with codec `type`. `level` applies to gzip (1-9, default 6, as zlib and
 * librdkafka) and zstd (default 3, as Kafka); snappy and lz4 have none. `None` returns `data`.
 *
 * @example
 * const packed = compress(CompressionType.Lz4, Buffer.from('hello'));
 */
export function compress(type: CompressionType, data: Buffer, level?: number): Buffer {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return gzipSync(data, { level: level ?? zlibConstants.Z_DEFAULT_COMPRESSION });
    case CompressionType.Snappy:
      return snappyCompress(data);
    case CompressionType.Lz4:
      return lz4Compress(data);
    case CompressionType.Zstd:
      return zstdCompress(data, level);
  }
}

/**
 * Decompresses `data` compressed with codec `code` (a batch's attribute bits 0-2). Bad data, an
 * unknown code (5-7) or output beyond `maxBytes` throw {@link ProtocolError}; nothing larger
 * than `maxBytes` (or than the codec's format allows for this input) is allocated. `None`
 * returns `data` itself.
 *
 * @example
 * const records = decompress(view.compressionCode, compressedBytes);
 */
export function decompress(code: number, data: Buffer, maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES): Buffer {
  switch (code) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return gunzip(data, maxBytes);
    case CompressionType.Snappy:
      return snappyDecompress(data, maxBytes);
    case CompressionType.Lz4:
      return lz4Decompress(data, maxBytes);
    case CompressionType.Zstd:
      return zstdDecompress(data, maxBytes);
    default:
      throw new ProtocolError('invalid-value', `compression code ${code} is not a known codec`);
  }
}

function gunzip(data: Buffer, maxBytes: number): Buffer {
  try {
    // zlib grows its output as it inflates, so allocation follows the real output up to the cap.
    return gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (err) {
    if (err instanceof RangeError) {
      throw new ProtocolError(
        'invalid-length',
        `gzip: uncompressed size exceeds the limit of ${maxBytes} bytes`,
      );
    }
    throw new ProtocolError('invalid-value', `gzip: ${err instanceof Error ? err.message : String(err)}`);
  }
}
