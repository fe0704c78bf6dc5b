import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naiveSliding, row, sortRows, type Ev, type Row } from '../../../test/stream/window-fixtures.js';
import { StreamEnvironment } from '../api/environment.js';
import { OutputTag } from '../core/output-tag.js';
import { TestDriver } from '../testing/test-driver.js';
import { boundedOutOfOrderness } from '../time/watermark-strategy.js';
import { combine, count, sum } from './aggregators.js';
import { sliding, tumbling } from './assigners.js';

const nAndTotal = combine({ n: count<Ev>(), total: sum((e: Ev) => e.v) });

function tumblingDriver(grace: number, late?: OutputTag<Ev>) {
  const driver = new TestDriver();
  const input = driver.input<Ev>();
  let w = input.stream.keyBy((e) => e.k).window(tumbling(10, { grace }));
  if (late !== undefined) w = w.lateOutput(late);
  const result = w.aggregate(nAndTotal, row);
  const out = result.collect();
  const lateOut = late === undefined ? undefined : result.sideOutput(late).collect();
  return { driver, input, out, lateOut };
}

describe('tumbling windows', () => {
  it('fire when the watermark reaches end - 1, stamped end - 1', async () => {
    const { driver, input, out } = tumblingDriver(0);
    await driver.start();
    input.push({ k: 'a', t: 1, v: 1 }, 1).push({ k: 'b', t: 5, v: 2 }, 5).push({ k: 'a', t: 12, v: 3 }, 12);
    input.push({ k: 'a', t: 9, v: 4 }, 9); // out of order, window not fired yet
    input.watermark(8);
    expect(out.values).toEqual([]);
    input.watermark(9);
    expect(sortRows(out.values)).toEqual([
      { k: 'a', start: 0, end: 10, n: 2, total: 5 },
      { k: 'b', start: 0, end: 10, n: 1, total: 2 },
    ]);
    expect(out.timestamps).toEqual([9, 9]);
    input.end();
    expect(out.values.at(-1)).toEqual({ k: 'a', start: 10, end: 20, n: 1, total: 3 });
  });

  it('send records late beyond lateness to the side output', async () => {
    const late = new OutputTag<Ev>('late');
    const { driver, input, out, lateOut } = tumblingDriver(0, late);
    await driver.start();
    input.push({ k: 'a', t: 3, v: 1 }, 3).watermark(9);
    input.push({ k: 'a', t: 4, v: 7 }, 4);
    expect(lateOut!.values).toEqual([{ k: 'a', t: 4, v: 7 }]);
    expect(lateOut!.timestamps).toEqual([4]);
    expect(out.values).toEqual([{ k: 'a', start: 0, end: 10, n: 1, total: 1 }]);
  });

  it('drop (and count) late records without a side output', async () => {
    const { driver, input, out } = tumblingDriver(0);
    await driver.start();
    input.push({ k: 'a', t: 3, v: 1 }, 3).watermark(20).push({ k: 'a', t: 4, v: 1 }, 4);
    expect(out.values).toHaveLength(1);
    expect(driver.metrics().operators.find((o) => o.kind === 'slicing-window')!.dropped).toBe(1);
  });

  it('update fired windows within allowed lateness, then close them', async () => {
    const late = new OutputTag<Ev>('late');
    const { driver, input, out, lateOut } = tumblingDriver(5, late);
    await driver.start();
    input.push({ k: 'a', t: 3, v: 1 }, 3).watermark(9);
    expect(out.values).toEqual([{ k: 'a', start: 0, end: 10, n: 1, total: 1 }]);
    input.push({ k: 'a', t: 4, v: 10 }, 4); // late, within lateness: fires again
    expect(out.values.at(-1)).toEqual({ k: 'a', start: 0, end: 10, n: 2, total: 11 });
    input.watermark(14); // 9 + 5: the window is gone
    input.push({ k: 'a', t: 5, v: 100 }, 5);
    expect(lateOut!.values).toEqual([{ k: 'a', t: 5, v: 100 }]);
    expect(out.values).toHaveLength(2);
  });

  it('honour an offset', async () => {
    const env = new StreamEnvironment();
    const out = env
      .fromArray(
        [
          { k: 'a', t: 2, v: 1 },
          { k: 'a', t: 3, v: 1 },
          { k: 'a', t: 13, v: 1 },
        ] as Ev[],
        { timestamps: (e) => e.t },
      )
      .keyBy((e) => e.k)
      .window(tumbling(10, { offset: 3 }))
      .aggregate(count(), (k, w, n) => [k, w.start, w.end, n])
      .collect();
    await env.execute();
    expect(out.values).toEqual([
      ['a', -7, 3, 1],
      ['a', 3, 13, 1],
      ['a', 13, 23, 1],
    ]);
  });

  it('fail clearly on records without timestamps', async () => {
    const env = new StreamEnvironment();
    env
      .fromArray([1])
      .keyBy((x) => x)
      .window(tumbling('1s'))
      .aggregate(count())
      .collect();
    await expect(env.execute()).rejects.toThrow(/no event timestamp/);
  });

  it('fire on processing time when asked', async () => {
    const driver = new TestDriver({ startTime: 1000 });
    const input = driver.input<string>();
    const out = input.stream
      .keyBy((s) => s)
      .window(tumbling('1s', { time: 'processing' }))
      .aggregate(count())
      .collect();
    await driver.start();
    input.push('x').push('x');
    driver.advanceProcessingTime(500);
    input.push('y');
    driver.advanceProcessingTime(499);
    expect(out.values).toEqual([
      { key: 'x', start: 1000, end: 2000, value: 2 },
      { key: 'y', start: 1000, end: 2000, value: 1 },
    ]);
    driver.advanceProcessingTime(1);
    input.push('x');
    driver.advanceProcessingTime(998);
    expect(out.values).toHaveLength(2);
    driver.advanceProcessingTime(1);
    expect(out.values.at(-1)).toEqual({ key: 'x', start: 2000, end: 3000, value: 1 });
  });
});

describe('sliding windows', () => {
  it('emit each window with the records of its slices', async () => {
    const env = new StreamEnvironment();
    const events: Ev[] = [
      { k: 'a', t: 0, v: 1 },
      { k: 'a', t: 4, v: 2 },
      { k: 'b', t: 7, v: 3 },
      { k: 'a', t: 11, v: 4 },
    ];
    const out = env
      .fromArray(events, { timestamps: (e) => e.t })
      .keyBy((e) => e.k)
      .window(sliding(10, 5))
      .aggregate(nAndTotal, row)
      .collect();
    await env.execute();
    expect(sortRows(out.values)).toEqual(naiveSliding(events, 10, 5));
    expect(sortRows(out.values)).toContainEqual({ k: 'a', start: 5, end: 15, n: 1, total: 4 });
  });

  // The property the issue asks for: shared slices give exactly the naive per-window result,
  // for any size/slide (slices are gcd(size, slide)), offsets, keys, disorder and batching.
  it('equal a naive per-window computation (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 20 }),
        fc.array(
          fc.record({
            k: fc.constantFrom('a', 'b', 'c'),
            t: fc.integer({ min: 0, max: 200 }),
            v: fc.integer({ min: -5, max: 5 }),
          }),
          { maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 8 }),
        async (slide, factor, offset, raw, batchSize) => {
          const size = slide * factor + (factor > 1 ? 0 : slide % 3); // sometimes size is not a multiple of slide
          const windowSize = Math.max(size, slide);
          // Sorted with bounded jitter, so nothing is late under a 10 ms out-of-orderness bound.
          const events = [...raw].sort((x, y) => x.t - y.t).map((e, i) => ({ ...e, t: e.t + (i % 3) * 3 }));
          const env = new StreamEnvironment({ batchSize });
          const out = env
            .fromArray(events, { timestamps: (e) => e.t, watermarks: boundedOutOfOrderness(10) })
            .keyBy((e) => e.k)
            .window(sliding(windowSize, slide, { offset }))
            .aggregate(nAndTotal, row)
            .collect();
          await env.execute();
          expect(sortRows(out.values)).toEqual(naiveSliding(events, windowSize, slide, offset % slide));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('survive a checkpoint and restore mid-stream', async () => {
    const events: Ev[] = Array.from({ length: 40 }, (_, i) => ({ k: `k${i % 3}`, t: i * 3, v: i }));
    const build = (driver: TestDriver) => {
      const input = driver.input<Ev>({ uid: 'in', watermarks: boundedOutOfOrderness(0) });
      const out = input.stream
        .keyBy((e) => e.k)
        .window(sliding(12, 4))
        .aggregate(nAndTotal, row, { uid: 'win' })
        .collect();
      return { input, out };
    };
    const first = new TestDriver();
    const a = build(first);
    await first.start();
    for (const e of events.slice(0, 20)) a.input.push(e, e.t);
    const snap = await first.checkpoint();
    const second = new TestDriver();
    const b = build(second);
    await second.start(snap);
    for (const e of events.slice(20)) b.input.push(e, e.t);
    b.input.end();
    const all: Row[] = [...a.out.values, ...b.out.values];
    expect(sortRows(all)).toEqual(naiveSliding(events, 12, 4));
  });
});
