import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';

describe('MinHeap', () => {
  it('pops in priority order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 })), (prios) => {
        const heap = new MinHeap<number>();
        prios.forEach((p, i) => {
          heap.push(p, i);
        });
        const popped: number[] = [];
        while (heap.size > 0) popped.push(prios[heap.pop()]!);
        expect(popped).toEqual([...prios].sort((a, b) => a - b));
        expect(heap.peekPriority()).toBe(Infinity);
      }),
    );
  });
});
