import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ProducerBatch, ProducerStateManager, lastSequence } from './producer-state.js';

function batch(over: Partial<ProducerBatch> & { baseSequence: number; firstOffset: number }): ProducerBatch {
  const lastOffsetDelta = over.lastOffsetDelta ?? 0;
  return {
    producerId: 1,
    epoch: 0,
    lastOffsetDelta,
    lastOffset: over.firstOffset + lastOffsetDelta,
    maxTimestamp: 1000,
    transactional: false,
    controlType: -1,
    ...over,
  };
}

describe('ProducerStateManager', () => {
  it('wraps sequence numbers at 2^31-1', () => {
    expect(lastSequence(5, 3)).toBe(8);
    expect(lastSequence(0x7fffffff, 0)).toBe(0x7fffffff);
    expect(lastSequence(0x7fffffff, 1)).toBe(0);
    expect(lastSequence(0x7ffffffe, 4)).toBe(2);
    const s = new ProducerStateManager();
    s.apply(batch({ baseSequence: 0x7ffffffe, lastOffsetDelta: 1, firstOffset: 0 }));
    expect(s.check(batch({ baseSequence: 0, firstOffset: 2 })).kind).toBe('ok');
    expect(s.check(batch({ baseSequence: 1, firstOffset: 2 })).kind).toBe('out-of-order-sequence');
  });

  it('remembers exactly the last five batches for duplicate detection', () => {
    const s = new ProducerStateManager();
    for (let i = 0; i < 7; i++) s.apply(batch({ baseSequence: i, firstOffset: i * 10 }));
    expect(s.check(batch({ baseSequence: 1, firstOffset: 99 })).kind).toBe('out-of-order-sequence');
    expect(s.check(batch({ baseSequence: 2, firstOffset: 99 }))).toEqual({
      kind: 'duplicate',
      firstOffset: 20,
      lastOffset: 20,
    });
    expect(s.check(batch({ baseSequence: 6, firstOffset: 99 }))).toEqual({
      kind: 'duplicate',
      firstOffset: 60,
      lastOffset: 60,
    });
    // Same first sequence but a different length is not the same batch.
    expect(s.check(batch({ baseSequence: 6, lastOffsetDelta: 1, firstOffset: 99 })).kind).toBe(
      'out-of-order-sequence',
    );
  });

  it('fences older epochs and requires sequence 0 for a new one', () => {
    const s = new ProducerStateManager();
    s.apply(batch({ epoch: 3, baseSequence: 0, firstOffset: 0 }));
    expect(s.check(batch({ epoch: 2, baseSequence: 1, firstOffset: 1 })).kind).toBe('invalid-producer-epoch');
    expect(s.check(batch({ epoch: 4, baseSequence: 1, firstOffset: 1 })).kind).toBe('out-of-order-sequence');
    expect(s.check(batch({ epoch: 4, baseSequence: 0, firstOffset: 1 })).kind).toBe('ok');
    s.apply(batch({ epoch: 4, baseSequence: 0, firstOffset: 1 }));
    expect(s.entry(1)?.batches).toHaveLength(1);
  });

  it('discards updates on rollback and keeps them on commit', () => {
    const s = new ProducerStateManager();
    s.begin();
    s.apply(batch({ baseSequence: 0, firstOffset: 0 }));
    expect(s.check(batch({ baseSequence: 0, firstOffset: 1 })).kind).toBe('duplicate');
    s.rollback();
    expect(s.entry(1)).toBeUndefined();
    s.begin();
    s.apply(batch({ baseSequence: 0, firstOffset: 0, transactional: true }));
    expect(s.firstUnstableOffset).toBe(-1);
    s.commit();
    expect(s.entry(1)?.batches).toHaveLength(1);
    expect(s.firstUnstableOffset).toBe(0);
  });

  it('orders open transactions by first offset and reports what a marker ends', () => {
    const s = new ProducerStateManager();
    s.apply(batch({ producerId: 1, baseSequence: 0, firstOffset: 5, transactional: true }));
    s.apply(batch({ producerId: 2, baseSequence: 0, firstOffset: 6, transactional: true }));
    s.apply(batch({ producerId: 1, baseSequence: 1, firstOffset: 7, transactional: true }));
    expect(s.firstUnstableOffset).toBe(5);
    expect(s.apply(batch({ producerId: 1, baseSequence: -1, firstOffset: 8, controlType: 0 }))).toEqual({
      producerId: 1,
      firstOffset: 5,
      lastOffset: 8,
      aborted: true,
    });
    expect(s.firstUnstableOffset).toBe(6);
    expect(s.apply(batch({ producerId: 2, baseSequence: -1, firstOffset: 9, controlType: 1 }))?.aborted).toBe(
      false,
    );
    expect(s.firstUnstableOffset).toBe(-1);
  });

  it('expires idle producers but not those with an open transaction', () => {
    const s = new ProducerStateManager();
    s.apply(batch({ producerId: 1, baseSequence: 0, firstOffset: 0, maxTimestamp: 100 }));
    s.apply(
      batch({ producerId: 2, baseSequence: 0, firstOffset: 1, maxTimestamp: 100, transactional: true }),
    );
    s.apply(batch({ producerId: 3, baseSequence: 0, firstOffset: 2, maxTimestamp: 900 }));
    expect(s.expire(500)).toBe(1);
    expect([...s.entries()].map((e) => e.producerId).sort()).toEqual([2, 3]);
  });

  it('round-trips any state through a snapshot and refuses damaged ones', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            producerId: fc.integer({ min: 0, max: 50 }),
            epoch: fc.integer({ min: 0, max: 3 }),
            baseSequence: fc.integer({ min: 0, max: 0x7fffffff }),
            lastOffsetDelta: fc.integer({ min: 0, max: 100 }),
            transactional: fc.boolean(),
            controlType: fc.constantFrom(-1, -1, -1, 0, 1),
          }),
          { maxLength: 60 },
        ),
        (ops) => {
          const s = new ProducerStateManager();
          let offset = 0;
          for (const op of ops) {
            s.apply({
              ...op,
              firstOffset: offset,
              lastOffset: offset + op.lastOffsetDelta,
              maxTimestamp: offset,
            });
            offset += op.lastOffsetDelta + 1;
          }
          const bytes = s.serialize(offset);
          const copy = new ProducerStateManager();
          expect(copy.load(bytes, offset)).toBeNull();
          expect([...copy.entries()]).toEqual([...s.entries()]);
          expect(copy.firstUnstableOffset).toBe(s.firstUnstableOffset);
          expect(copy.load(bytes, offset + 1)).toMatch(/offset/);
          const flipped = Buffer.from(bytes);
          flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1;
          if (flipped.length > 18) expect(copy.load(flipped, offset)).toMatch(/CRC/);
        },
      ),
    );
  });
});
