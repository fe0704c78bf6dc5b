import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Aggregator } from './aggregator.js';
import {
  argMax,
  argMin,
  avg,
  combine,
  count,
  distinctCount,
  max,
  min,
  reducing,
  sum,
  toList,
  topN,
} from './aggregators.js';

function run<T, A, R>(agg: Aggregator<T, A, R>, values: readonly T[]): R {
  let acc = agg.create();
  for (const v of values) acc = agg.add(acc, v);
  return agg.result(acc);
}

/** Aggregating in two parts and merging must equal aggregating everything. */
function mergeLaw<T, A, R>(agg: Aggregator<T, A, R>, values: readonly T[], cut: number): void {
  let a = agg.create();
  let b = agg.create();
  values.forEach((v, i) => {
    if (i < cut) a = agg.add(a, v);
    else b = agg.add(b, v);
  });
  expect(agg.result(agg.merge(a, b))).toEqual(run(agg, values));
}

describe('built-in aggregators', () => {
  const id = (x: number): number => x;

  it('compute their results', () => {
    const xs = [5, 3, 9, 3, 1];
    expect(run(count(), xs)).toBe(5);
    expect(run(sum(id), xs)).toBe(21);
    expect(run(min(id), xs)).toBe(1);
    expect(run(max(id), xs)).toBe(9);
    expect(run(avg(id), xs)).toBeCloseTo(4.2);
    expect(run(distinctCount(id), xs)).toBe(4);
    expect(run(topN(2, id), xs)).toEqual([9, 5]);
    expect(run(topN(2, id, 'asc'), xs)).toEqual([1, 3]);
    expect(run(toList<number>(), xs)).toEqual(xs);
    expect(
      run(
        reducing((a: number, b: number) => a * b),
        [2, 3, 4],
      ),
    ).toBe(24);
    expect(run(combine({ n: count<number>(), total: sum(id) }), xs)).toEqual({ n: 5, total: 21 });
    expect(run(argMax(id), [3, 9, 1, 9])).toEqual([9, 9]);
    expect(run(argMin(id), [3, 1, 9, 1])).toEqual([1, 1]);
    expect(run(argMax(id), [])).toEqual([]);
  });

  it('topN keeps the earlier of tied records', () => {
    const recs = [
      { id: 'a', p: 1 },
      { id: 'b', p: 2 },
      { id: 'c', p: 2 },
      { id: 'd', p: 0 },
    ];
    expect(
      run(
        topN(2, (r: { id: string; p: number }) => r.p),
        recs,
      ).map((r) => r.id),
    ).toEqual(['b', 'c']);
  });

  it('merge equals aggregating everything, without mutating the second argument', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 30 }), fc.nat(), (xs, c) => {
        const cut = xs.length === 0 ? 0 : c % (xs.length + 1);
        for (const agg of [
          count<number>(),
          sum(id),
          min(id),
          max(id),
          distinctCount(id),
          topN(3, id),
          toList<number>(),
        ]) {
          mergeLaw(agg as Aggregator<number, unknown, unknown>, xs, cut);
        }
        // The second argument of merge must survive (sliding windows merge a slice into several windows).
        const agg = toList<number>();
        let b = agg.create();
        for (const x of xs) b = agg.add(b, x);
        const before = [...b];
        agg.merge(agg.merge(agg.create(), b), b);
        expect(b).toEqual(before);
      }),
    );
  });
});
