import { describe, expect, it } from 'vitest';
import { EventRandom } from './random.js';

function draws(random: EventRandom, n: number, count: number): number[] {
  random.reset(n);
  return Array.from({ length: count }, () => random.nextUint32());
}

describe('EventRandom', () => {
  it('repeats the draws of an event after a reset, whatever came before', () => {
    const random = new EventRandom(5);
    const first = draws(random, 2 ** 40 + 17, 8);
    draws(random, 3, 100);
    expect(draws(random, 2 ** 40 + 17, 8)).toEqual(first);
    expect(draws(new EventRandom(5), 2 ** 40 + 17, 8)).toEqual(first);
  });

  it('gives unrelated draws to neighbouring events, high halves and seeds', () => {
    const random = new EventRandom(5);
    const seen = new Set<number>();
    for (const n of [0, 1, 2, 2 ** 32, 2 ** 32 + 1]) seen.add(draws(random, n, 1)[0]!);
    seen.add(draws(new EventRandom(6), 0, 1)[0]!);
    expect(seen.size).toBe(6);
  });

  it('draws integers in range and roughly uniform', () => {
    const random = new EventRandom(1);
    const counts = new Array<number>(10).fill(0);
    for (let n = 0; n < 50_000; n++) {
      random.reset(n);
      const x = random.nextInt(10);
      counts[x] = counts[x]! + 1;
      const u = random.nextUnit();
      if (u < 0 || u >= 1) throw new Error(`unit draw ${u} out of range`);
    }
    expect(counts.reduce((s, c) => s + c, 0)).toBe(50_000);
    for (const c of counts) expect(Math.abs(c - 5_000)).toBeLessThan(300);
  });
});
