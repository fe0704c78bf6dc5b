import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC-32C (Castagnoli), the checksum of record batches v2. `zlib.crc32` is plain CRC-32, so we
 * use @node-rs/crc32: prebuilt binaries for every common platform, hardware-accelerated.
 */
export function crc32c(bytes: Uint8Array): number {
  return nativeCrc32c(bytes) >>> 0;
}
