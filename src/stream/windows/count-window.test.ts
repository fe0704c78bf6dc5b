import { describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../api/environment.js';
import { configError } from '../core/errors.js';
import { sum, toList } from './aggregators.js';
import { countWindow } from './assigners.js';

describe('count windows', () => {
  it('tumbling: every n records of a key', async () => {
    const env = new StreamEnvironment({ batchSize: 2 });
    const out = env
      .fromArray([1, 2, 3, 4, 5, 6, 7], { timestamps: (x) => x * 10 })
      .keyBy((x) => x % 2)
      .window(countWindow(2))
      .aggregate(
        sum((x: number) => x),
        (k, w, s) => ({ k, start: w.start, end: w.end, s }),
      )
      .collect();
    await env.execute();
    expect(out.values).toEqual([
      { k: 1, start: 10, end: 31, s: 4 },
      { k: 0, start: 20, end: 41, s: 6 },
      { k: 1, start: 50, end: 71, s: 12 },
    ]);
    expect(out.timestamps).toEqual([30, 40, 70]);
  });

  it('sliding: the last `size` records every `slide` records', async () => {
    const env = new StreamEnvironment();
    const out = env
      .fromArray([1, 2, 3, 4, 5, 6])
      .keyBy(() => 'k')
      .window(countWindow(3, 2))
      .aggregate(toList<number>(), (_k, _w, l) => l)
      .collect();
    await env.execute();
    expect(out.values).toEqual([
      [1, 2],
      [2, 3, 4],
      [4, 5, 6],
    ]);
  });

  it('validates its sizes', () => {
    expect(() => countWindow(0)).toThrow(configError('x').constructor);
    expect(() => countWindow(2, 3)).toThrow(/slide: 3 must be an integer in \[1, 2\]/);
  });
});
