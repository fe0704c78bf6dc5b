import { mix32 } from '../../shared/hash.js';

/**
 * Keys are primitives so that keyed state lives in `Map`s with cheap hashing and no
 * serialisation on the hot path. Compose several fields into a string when you need to.
 */
export type Key = string | number;

/** Extracts the key of a record. Called once per record at each keyed operator. */
export type KeySelector<T, K extends Key> = (value: T) => K;

/** Default number of key groups per job (Flink's default maximum parallelism). */
export const DEFAULT_KEY_GROUPS = 128;

function mixK(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * A stable 32-bit hash of a key: MurmurHash3 (x86_32, seed 0) over the UTF-16 code units of a
 * string, or over the two 32-bit halves of an integer number. Persisted state is partitioned by
 * this hash, so it must never change; `key.test.ts` pins known values.
 *
 * @example
 * ```ts
 * hashKey('user-42'); // 2227721218
 * ```
 */
export function hashKey(key: Key): number {
  if (typeof key === 'number') {
    if (Number.isSafeInteger(key)) {
      const lo = key | 0;
      const hi = Math.floor(key / 4294967296) | 0;
      return mix32(mixK(mixK(0x6b657920, lo), hi) ^ 8);
    }
    return hashKey(String(key));
  }
  let h = 0;
  const n = key.length;
  let i = 0;
  for (; i + 1 < n; i += 2) h = mixK(h, key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16));
  if (i < n) h = mixK(h, key.charCodeAt(i));
  return mix32(h ^ (n * 2));
}

/**
 * The key group of a key: the unit in which keyed state is stored in checkpoints and will later
 * move between instances (with Kafka partitions). The count is fixed for the life of a job.
 *
 * @example
 * ```ts
 * keyGroupOf('user-42', 128); // a number in [0, 128)
 * ```
 */
export function keyGroupOf(key: Key, keyGroups: number): number {
  return hashKey(key) % keyGroups;
}
