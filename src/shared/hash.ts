/**
 * MurmurHash3's 32-bit finaliser: full avalanche, so neighbouring inputs give unrelated outputs.
 * Used for key groups (stream/core/key.ts) and to seed the Nexmark generator.
 */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
