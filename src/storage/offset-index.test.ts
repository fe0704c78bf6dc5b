import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';

/** Strictly increasing pairs, as a log produces them. */
const increasing = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 500 })), { maxLength: 200 })
  .map((steps) => {
    let o = -1;
    let p = -1;
    return steps.map(([a, b]) => [(o += a), (p += b)] as const);
  });

describe('OffsetIndex', () => {
  it('finds the position of the last entry at or before an offset (model)', () => {
    fc.assert(
      fc.property(increasing, fc.integer({ min: -5, max: 11_000 }), (entries, target) => {
        const index = new OffsetIndex(1000, 10_000);
        for (const [o, p] of entries) index.append(1000 + o, p);
        const model = entries.filter(([o]) => 1000 + o <= 1000 + target).at(-1)?.[1] ?? 0;
        expect(index.lookup(1000 + target)).toBe(model);
        const parsed = OffsetIndex.parse(index.serialize(), 1000, 10_000, 1 << 30);
        expect(typeof parsed).not.toBe('string');
        if (typeof parsed !== 'string') expect(parsed.lookup(1000 + target)).toBe(model);
      }),
    );
  });

  it('knows batch boundaries: entry positions and the ends it learned', () => {
    const index = new OffsetIndex(0, 10);
    index.append(9, 0, 100);
    index.append(19, 4200);
    index.append(29, 8400, 9000);
    expect(index.boundaryAtOrBefore(50)).toBe(0);
    expect(index.boundaryAtOrBefore(100)).toBe(100);
    expect(index.boundaryAtOrBefore(4199)).toBe(100);
    expect(index.boundaryAtOrBefore(5000)).toBe(4200);
    index.learnEnd(4200, 4300);
    expect(index.boundaryAtOrBefore(5000)).toBe(4300);
    expect(index.boundaryAtOrBefore(8999)).toBe(8400);
    expect(index.boundaryAtOrBefore(1 << 20)).toBe(9000);
    expect(index.endOfBatchAt(4200)).toBe(4300);
    expect(index.endOfBatchAt(8400)).toBe(9000);
    expect(index.endOfBatchAt(4300)).toBe(-1);
  });

  it('stops at its capacity and reports full', () => {
    const index = new OffsetIndex(0, 2);
    index.append(1, 10);
    index.append(2, 20);
    index.append(3, 30);
    expect(index.entries).toBe(2);
    expect(index.isFull).toBe(true);
  });

  it('refuses files it cannot trust', () => {
    expect(OffsetIndex.parse(Buffer.alloc(7), 0, 10, 100)).toMatch(/multiple of 8/);
    const b = Buffer.alloc(16);
    b.writeInt32BE(5, 0);
    b.writeInt32BE(10, 4);
    b.writeInt32BE(4, 8);
    b.writeInt32BE(20, 12);
    expect(OffsetIndex.parse(b, 0, 10, 100)).toMatch(/does not increase/);
    b.writeInt32BE(6, 8);
    expect(OffsetIndex.parse(b, 0, 10, 15)).toMatch(/beyond the log/);
    expect(typeof OffsetIndex.parse(b, 0, 10, 100)).toBe('object');
  });

  it('starts after an indexed batch that ends before the offset, once its end is known', () => {
    const index = new OffsetIndex(0, 10);
    index.append(9, 100, 150);
    index.append(19, 150);
    expect(index.lookup(9)).toBe(100);
    expect(index.lookup(10)).toBe(150);
    expect(index.lookup(20)).toBe(150);
    index.learnEnd(150, 180);
    expect(index.lookup(20)).toBe(180);
    expect(index.lookup(19)).toBe(150);
    index.learnEnd(155, 999);
    expect(index.lookup(25)).toBe(180);
  });

  it('drops entries past a truncation point', () => {
    const index = new OffsetIndex(0, 10);
    index.append(1, 10);
    index.append(2, 20);
    index.truncateToPosition(20);
    expect(index.lastOffset).toBe(1);
  });
});

describe('TimeIndex', () => {
  it('keeps timestamps increasing and looks up the last entry at or before a time (model)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 3 })), {
          maxLength: 100,
        }),
        fc.integer({ min: -1, max: 1100 }),
        (steps, target) => {
          const index = new TimeIndex(50, 1000);
          const model: [number, number][] = [];
          let offset = 50;
          for (const [ts, gap] of steps) {
            offset += gap;
            index.maybeAppend(ts, offset);
            if (model.length === 0 || ts > model.at(-1)![0]) model.push([ts, offset]);
          }
          const expected = model.filter(([ts]) => ts <= target).at(-1)?.[1] ?? 50;
          expect(index.lookup(target)).toBe(expected);
          const parsed = TimeIndex.parse(index.serialize(), 50, 1000);
          if (typeof parsed === 'string') throw new Error(parsed);
          expect(parsed.lookup(target)).toBe(expected);
          expect(parsed.last).toEqual(index.last);
        },
      ),
    );
  });

  it('refuses files that do not increase', () => {
    const b = Buffer.alloc(24);
    b.writeBigInt64BE(5n, 0);
    b.writeBigInt64BE(5n, 12);
    expect(TimeIndex.parse(b, 0, 10)).toMatch(/does not increase/);
    expect(TimeIndex.parse(Buffer.alloc(13), 0, 10)).toMatch(/multiple of 12/);
  });
});
