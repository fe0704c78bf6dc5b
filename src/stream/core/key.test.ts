import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashKey, keyGroupOf } from './key.js';

describe('hashKey', () => {
  it('is pinned: persisted state depends on these exact values', () => {
    // If this test fails, existing checkpoints would put keys in the wrong key groups.
    expect(hashKey('')).toBe(0);
    expect(hashKey('a')).toBe(PINNED.a);
    expect(hashKey('user-42')).toBe(PINNED.user42);
    expect(hashKey(1)).toBe(PINNED.one);
  });

  it('returns unsigned 32-bit integers and is deterministic', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true })), (k) => {
        const h = hashKey(k);
        return Number.isInteger(h) && h >= 0 && h < 2 ** 32 && h === hashKey(k);
      }),
    );
  });

  it('spreads keys evenly over key groups', () => {
    const counts = new Array<number>(128).fill(0);
    for (let i = 0; i < 128_000; i++) counts[keyGroupOf(`user-${i}`, 128)]!++;
    for (let i = 0; i < 128_000; i++) counts[keyGroupOf(i, 128)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(1600);
    expect(Math.max(...counts)).toBeLessThan(2400);
  });
});

const PINNED = { a: 453868544, user42: 2227721218, one: 3371726249 };
