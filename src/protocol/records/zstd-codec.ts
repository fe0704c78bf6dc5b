import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { init } from '@bokuweb/zstd-wasm';
import { ProtocolError } from '../errors.js';

/*
 * Zstandard through @bokuweb/zstd-wasm: zstd 1.5 compiled to WebAssembly, so it installs
 * anywhere without a compiler or a binary download. Its `decompress` sizes the output from the
 * frame header's content size, which librdkafka and Java's streaming compressor may leave out,
 * and it mallocs whatever a (possibly forged) header claims. So we call the wasm exports
 * directly: the declared size is only a hint, the output buffer starts at a guess and doubles on
 * "destination too small" up to the caller's limit. ZSTD_decompress is single-pass (the output
 * buffer is the window), so a frame's window size never causes an allocation.
 */

/** The wasm exports we use (Emscripten's Module; the package types it as `any`). */
interface ZstdWasm {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _ZSTD_isError(code: number): number;
  _ZSTD_compressBound(size: number): number;
  _ZSTD_compress(dst: number, dstCapacity: number, src: number, srcSize: number, level: number): number;
  _ZSTD_getFrameContentSize(src: number, srcSize: number): number;
  _ZSTD_decompress(dst: number, dstCapacity: number, src: number, srcSize: number): number;
}

/** ZSTD_getFrameContentSize results; 64-bit in C, the low 32 bits (signed) across the wasm ABI. */
const CONTENT_SIZE_UNKNOWN = -1;
const CONTENT_SIZE_ERROR = -2;
/** -ZSTD_error_dstSize_tooSmall */
const ERROR_DST_TOO_SMALL = -70;
const ERROR_NAMES: ReadonlyMap<number, string> = new Map([
  [-10, 'unknown frame prefix'],
  [-12, 'unsupported frame version'],
  [-14, 'unsupported frame parameter'],
  [-16, 'window too large'],
  [-20, 'corrupted data'],
  [-22, 'checksum mismatch'],
  [-72, 'wrong source size'],
]);
/** First output guess when the frame does not declare its size (ratios around 4 are typical). */
const UNKNOWN_SIZE_RATIO = 4;
const MIN_GUESS = 64 * 1024;

let wasm: ZstdWasm | undefined;
let loading: Promise<void> | undefined;

/** Loads the wasm module once; later calls return the same promise. */
export function initZstd(): Promise<void> {
  loading ??= init().then(() => {
    // The package exports only its simple API; its Emscripten Module lives in module.js, which
    // the entry point requires, so this require returns that same, now initialised, instance.
    const require = createRequire(import.meta.url);
    const entry = require.resolve('@bokuweb/zstd-wasm');
    const mod = require(join(dirname(entry), 'module.js')) as { Module?: Partial<ZstdWasm> };
    const m = mod.Module;
    // The layout is the package's internals (the dependency is pinned to 0.0.27): if an update
    // moves it, fail at start with the reason rather than on the first zstd batch.
    if (
      m?.HEAPU8 === undefined ||
      typeof m._ZSTD_decompress !== 'function' ||
      typeof m._malloc !== 'function'
    ) {
      throw new Error(
        '@bokuweb/zstd-wasm: its Emscripten Module was not found where zstd-codec.ts expects it',
      );
    }
    wasm = m as ZstdWasm;
  });
  return loading;
}

/** True once {@link initZstd} has finished. */
export function zstdReady(): boolean {
  return wasm !== undefined;
}

function wasmModule(): ZstdWasm {
  if (wasm === undefined) {
    throw new Error('zstd is not initialised: await initCompression() once before using zstd');
  }
  return wasm;
}

/** Compresses `data` as one zstd frame (with its content size) at `level` (Kafka's default: 3). */
export function zstdCompress(data: Buffer, level = 3): Buffer {
  const m = wasmModule();
  const bound = m._ZSTD_compressBound(data.length);
  const src = m._malloc(Math.max(1, data.length));
  const dst = m._malloc(bound);
  try {
    if (src === 0 || dst === 0) throw new Error('zstd: out of wasm memory');
    m.HEAPU8.set(data, src);
    const n = m._ZSTD_compress(dst, bound, src, data.length, level);
    if (m._ZSTD_isError(n) !== 0) throw new Error(`zstd: compression failed (${n})`);
    return copyOut(m, dst, n);
  } finally {
    m._free(dst);
    m._free(src);
  }
}

/** Decompresses one or more zstd frames, refusing output beyond `maxBytes`. */
export function zstdDecompress(data: Buffer, maxBytes: number): Buffer {
  const m = wasmModule();
  const src = m._malloc(Math.max(1, data.length));
  if (src === 0) throw tooLarge(data.length, maxBytes);
  try {
    m.HEAPU8.set(data, src);
    const declared = m._ZSTD_getFrameContentSize(src, data.length);
    if (declared === CONTENT_SIZE_ERROR) throw corrupt('not a zstd frame');
    let capacity: number;
    if (declared === CONTENT_SIZE_UNKNOWN) {
      capacity = Math.min(maxBytes, Math.max(MIN_GUESS, data.length * UNKNOWN_SIZE_RATIO));
    } else {
      // The low 32 bits of the real size: if they exceed the limit, so does the size.
      const low = declared >>> 0;
      if (low > maxBytes) throw tooLarge(low, maxBytes);
      capacity = low;
    }
    for (;;) {
      const dst = m._malloc(Math.max(1, capacity));
      if (dst === 0) throw tooLarge(capacity, maxBytes);
      try {
        const n = m._ZSTD_decompress(dst, capacity, src, data.length);
        if (m._ZSTD_isError(n) === 0) return copyOut(m, dst, n);
        if (n !== ERROR_DST_TOO_SMALL) throw corrupt(ERROR_NAMES.get(n) ?? `error ${-n}`);
        if (capacity >= maxBytes) throw tooLarge(`more than ${maxBytes}`, maxBytes);
        capacity = Math.min(maxBytes, Math.max(MIN_GUESS, capacity * 2));
      } finally {
        m._free(dst);
      }
    }
  } finally {
    m._free(src);
  }
}

/** Copies wasm memory out; `Buffer.from(view)` copies element by element, several times slower. */
function copyOut(m: ZstdWasm, ptr: number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  out.set(m.HEAPU8.subarray(ptr, ptr + n));
  return out;
}

function tooLarge(size: number | string, maxBytes: number): ProtocolError {
  return new ProtocolError(
    'invalid-length',
    `zstd: uncompressed size ${size} exceeds the limit of ${maxBytes} bytes`,
  );
}

function corrupt(why: string): ProtocolError {
  return new ProtocolError('invalid-value', `zstd: ${why}`);
}
