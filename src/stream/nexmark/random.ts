/**
 * The generator's randomness: a small PRNG whose state is derived from (seed, event number) alone,
 * so that event n is the same whether it is generated in sequence or after a seek to n (a
 * checkpointed source resumes at its position without replaying what came before).
 *
 * Seeding hashes the two halves of the event number with MurmurHash3's finaliser; draws are
 * mulberry32 steps. All arithmetic is 32-bit integer math (`Math.imul`, shifts), which V8 keeps
 * in registers; a draw costs a handful of instructions.
 */

import { mix32 } from '../../shared/hash.js';

const TWO_POW_32 = 4294967296;
const INV_TWO_POW_32 = 1 / TWO_POW_32;

export { mix32 };

/** The random draws of one event at a time; {@link EventRandom.reset} moves it to another event. */
export class EventRandom {
  private readonly keyLo: number;
  private readonly keyHi: number;
  private state = 0;

  /** @param seed an unsigned 32-bit integer. */
  constructor(seed: number) {
    this.keyLo = mix32(seed ^ 0x5bd1e995);
    this.keyHi = mix32(seed ^ 0x27d4eb2f);
  }

  /** Positions the draws at the start of event `n`'s sequence (`n` a safe non-negative integer). */
  reset(n: number): void {
    const lo = n >>> 0;
    const hi = (n / TWO_POW_32) >>> 0;
    this.state = mix32(Math.imul(lo, 0x9e3779b1) ^ this.keyLo) ^ mix32(hi + this.keyHi);
  }

  /** An unsigned 32-bit draw. */
  nextUint32(): number {
    const s = (this.state = (this.state + 0x6d2b79f5) | 0);
    let z = Math.imul(s ^ (s >>> 15), s | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }

  /**
   * An integer in [0, bound) for 1 ≤ bound ≤ 2^32, by multiply-and-shift rather than modulo (no
   * division). Exact below 2^21, where the product fits a double's mantissa; above it the result
   * is still deterministic and in range.
   */
  nextInt(bound: number): number {
    return Math.floor(this.nextUint32() * bound * INV_TWO_POW_32);
  }

  /** A number in [0, 1) with 32 bits of resolution. */
  nextUnit(): number {
    return this.nextUint32() * INV_TWO_POW_32;
  }
}
