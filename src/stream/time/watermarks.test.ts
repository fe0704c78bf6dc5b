import { describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../api/environment.js';
import { dataGenerator } from '../connectors/data-generator-source.js';
import type { Source } from '../connectors/source.js';
import { TestDriver } from '../testing/test-driver.js';
import { ManualClock } from './clock.js';
import {
  boundedOutOfOrderness,
  customWatermarks,
  monotonousTimestamps,
  noWatermarks,
} from './watermark-strategy.js';

/** Records `[value, watermark seen when it arrived]` through a keyed process function. */
function probe<T>(stream: import('../api/streams.js').DataStream<T>) {
  return stream
    .keyBy(() => 0)
    .process<[T, number]>({
      processElement(v, ctx) {
        ctx.emit([v, ctx.currentWatermark]);
      },
    })
    .collect();
}

describe('watermark strategies at the source', () => {
  it('bounded out-of-orderness trails the maximum by the bound (+1)', async () => {
    const env = new StreamEnvironment({ batchSize: 1 });
    const out = probe(
      env.fromArray([1000, 3000, 2000, 5000], {
        timestamps: (t) => t,
        watermarks: boundedOutOfOrderness('1s'),
      }),
    );
    await env.execute();
    expect(out.values).toEqual([
      [1000, -Infinity],
      [3000, -1],
      [2000, 1999],
      [5000, 1999],
    ]);
  });

  it('monotonous timestamps: watermark is the last timestamp - 1', async () => {
    const env = new StreamEnvironment({ batchSize: 2 });
    const out = probe(
      env.fromArray([10, 20, 30, 40, 50], { timestamps: (t) => t, watermarks: monotonousTimestamps() }),
    );
    await env.execute();
    expect(out.values.map((x) => x[1])).toEqual([-Infinity, -Infinity, 19, 19, 39]);
  });

  it('no watermarks until the input ends', async () => {
    const env = new StreamEnvironment({ batchSize: 1 });
    const out = probe(env.fromArray([10, 20], { timestamps: (t) => t, watermarks: noWatermarks() }));
    const result = await env.execute();
    expect(out.values.map((x) => x[1])).toEqual([-Infinity, -Infinity]);
    expect(result.metrics.operators[0]!.watermark).toBe(Infinity);
  });

  it('custom (punctuated) watermarks', async () => {
    const env = new StreamEnvironment({ batchSize: 1 });
    const out = probe(
      env.fromArray(['a@5', 'mark@10', 'b@7', 'c@12'], {
        timestamps: (s) => Number(s.split('@')[1]),
        watermarks: customWatermarks<string>(() => {
          let wm = -Infinity;
          return {
            onEvent: (v, ts) => {
              if (v.startsWith('mark')) wm = ts;
            },
            currentWatermark: () => wm,
          };
        }),
      }),
    );
    await env.execute();
    expect(out.values.map((x) => x[1])).toEqual([-Infinity, -Infinity, 10, 10]);
  });

  it('ingestion time stamps records with the clock', async () => {
    const clock = new ManualClock(5000);
    const env = new StreamEnvironment({ clock });
    const out = env.fromArray(['x', 'y'], { timestamps: 'ingestion' }).collect();
    await env.execute();
    expect(out.timestamps).toEqual([5000, 5000]);
  });

  it('records without timestamps carry NaN', async () => {
    const env = new StreamEnvironment();
    const out = env.fromArray(['x']).collect();
    await env.execute();
    expect(out.timestamps).toEqual([NaN]);
  });

  it('per split: the source watermark is the minimum over its splits', async () => {
    // Two splits: one fast (timestamps 0,1000,…), one slow (0,10,…); batches of one.
    const twoSplits: Source<{ split: string; t: number }> = {
      bounded: true,
      splits: () => [{ id: 'fast' }, { id: 'slow' }],
      createReader: (split) => {
        let i = 0;
        const step = split.id === 'fast' ? 1000 : 10;
        return {
          read: () => (i >= 5 ? null : { values: [{ split: split.id, t: step * i++ }] }),
          position: () => i,
          close: () => undefined,
        };
      },
    };
    const env = new StreamEnvironment({ batchSize: 1 });
    const out = probe(
      env.fromSource(twoSplits, { timestamps: (r) => r.t, watermarks: monotonousTimestamps() }),
    );
    await env.execute();
    const maxSeen = Math.max(...out.values.map((x) => x[1]));
    // Never beyond the slow split's progress (its last timestamp is 40).
    expect(maxSeen).toBeLessThanOrEqual(39);
  });
});

describe('assignTimestampsAndWatermarks', () => {
  it('replaces timestamps and watermarks mid-stream, passing the end through', async () => {
    const driver = new TestDriver();
    const input = driver.input<{ t: number }>();
    const out = probe(
      input.stream.assignTimestampsAndWatermarks({
        timestamps: (e) => e.t * 1000,
        watermarks: boundedOutOfOrderness(0),
      }),
    );
    await driver.start();
    input.watermark(1_000_000); // upstream watermark is ignored
    input.push({ t: 1 }, 1).push({ t: 3 }, 2);
    expect(out.values.map((x) => x[1])).toEqual([-Infinity, 999]);
    expect(out.timestamps).toEqual([1000, 3000]);
    input.end();
    expect(driver.runtime.tasks.at(-1)!.watermark).toBe(Infinity);
  });
});

describe('data generator source', () => {
  it('is deterministic and bounded', async () => {
    const env = new StreamEnvironment({ batchSize: 7 });
    const out = env.fromSource(dataGenerator({ count: 20, generate: (i) => i * i })).collect();
    await env.execute();
    expect(out.values).toEqual(Array.from({ length: 20 }, (_, i) => i * i));
  });
});
