import { describe, expect, it } from 'vitest';
import { sum } from '../windows/aggregators.js';
import { tumbling } from '../windows/assigners.js';
import { StreamEnvironment } from './environment.js';

describe('the fluent window API (STYLE.md example 13)', () => {
  it('reads as written in the style guide, with inference of the record type', async () => {
    const env = new StreamEnvironment();
    const stream = env.fromArray(
      [
        { k: 'a', v: 1, t: 0 },
        { k: 'a', v: 2, t: 30_000 },
        { k: 'a', v: 4, t: 70_000 },
      ],
      { timestamps: (r) => r.t },
    );
    const k = (r: { k: string }): string => r.k;
    const out = stream
      .keyBy(k)
      .window(tumbling('1m', { grace: '10s' }))
      .aggregate(sum((x) => x.v))
      .collect();
    await env.execute();
    expect(out.values).toEqual([
      { key: 'a', start: 0, end: 60_000, value: 3 },
      { key: 'a', start: 60_000, end: 120_000, value: 4 },
    ]);
  });
});
