import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naiveSliding, row, sortRows, type Ev } from '../../../test/stream/window-fixtures.js';
import { StreamEnvironment } from '../api/environment.js';
import { TestDriver } from '../testing/test-driver.js';
import { boundedOutOfOrderness } from '../time/watermark-strategy.js';
import { combine, count, sum, toList } from './aggregators.js';
import { globalWindow, session, sliding, tumbling } from './assigners.js';
import {
  countTrigger,
  deltaTrigger,
  eventTimeTrigger,
  processingTimeTrigger,
  purging,
  type Trigger,
} from './triggers.js';

const ev = (k: string, t: number, v = 1): Ev => ({ k, t, v });
const values = (list: Ev[]): number[] => list.map((e) => e.v);

describe('triggers', () => {
  it('count trigger on a global window fires every n records (purging starts afresh)', async () => {
    const driver = new TestDriver();
    const input = driver.input<Ev>();
    const keep = input.stream
      .keyBy((e) => e.k)
      .window(globalWindow())
      .trigger(countTrigger(2))
      .aggregate(toList<Ev>(), (k, _w, l) => `${k}:${values(l).join(',')}`)
      .collect();
    const purge = input.stream
      .keyBy((e) => e.k)
      .window(globalWindow())
      .trigger(purging(countTrigger(2)))
      .aggregate(toList<Ev>(), (k, _w, l) => `${k}:${values(l).join(',')}`)
      .collect();
    await driver.start();
    for (let i = 1; i <= 5; i++) input.push(ev('a', i, i));
    expect(keep.values).toEqual(['a:1,2', 'a:1,2,3,4']);
    expect(purge.values).toEqual(['a:1,2', 'a:3,4']);
    input.end(); // global windows do not fire at the end without their trigger
    expect(purge.values).toHaveLength(2);
  });

  it('delta trigger fires when the value moved by more than the threshold', async () => {
    const driver = new TestDriver();
    const input = driver.input<Ev>();
    const out = input.stream
      .keyBy((e) => e.k)
      .window(globalWindow())
      .trigger(purging(deltaTrigger(5, (a: Ev, b: Ev) => Math.abs(a.v - b.v))))
      .aggregate(toList<Ev>(), (_k, _w, l) => values(l))
      .collect();
    await driver.start();
    for (const v of [10, 12, 14, 16, 9, 8]) input.push(ev('s', 0, v));
    // Reference 10; 16 differs by 6: fire (10..16), reference 16; 9 differs by 7: fire (9).
    expect(out.values).toEqual([[10, 12, 14, 16], [9]]);
  });

  it('early firings on processing time, then the on-time firing', async () => {
    const driver = new TestDriver();
    const input = driver.input<Ev>();
    const out = input.stream
      .keyBy((e) => e.k)
      .window(tumbling(100))
      .trigger(eventTimeTrigger({ early: 1000 }))
      .aggregate(count(), (k, w, n) => `${k}[${w.start}]=${n}`)
      .collect();
    await driver.start();
    input.push(ev('a', 10), 10);
    driver.advanceProcessingTime(1000);
    expect(out.values).toEqual(['a[0]=1']);
    input.push(ev('a', 20), 20).push(ev('a', 30), 30);
    driver.advanceProcessingTime(1000);
    expect(out.values).toEqual(['a[0]=1', 'a[0]=3']);
    input.watermark(99);
    expect(out.values).toEqual(['a[0]=1', 'a[0]=3', 'a[0]=3']);
    driver.advanceProcessingTime(5000); // no early firing after the window completed
    expect(out.values).toHaveLength(3);
  });

  it('late firings coalesced on processing time within allowed lateness', async () => {
    const driver = new TestDriver();
    const input = driver.input<Ev>();
    const out = input.stream
      .keyBy((e) => e.k)
      .window(tumbling(100, { grace: 1000 }))
      .trigger(eventTimeTrigger({ late: 500 }))
      .aggregate(count(), (k, w, n) => `${k}[${w.start}]=${n}`)
      .collect();
    await driver.start();
    input.push(ev('a', 10), 10).watermark(150);
    expect(out.values).toEqual(['a[0]=1']);
    input.push(ev('a', 11), 11).push(ev('a', 12), 12);
    expect(out.values).toHaveLength(1);
    driver.advanceProcessingTime(500);
    expect(out.values).toEqual(['a[0]=1', 'a[0]=3']);
  });

  it('processing-time trigger fires at the end of processing-time windows', async () => {
    const driver = new TestDriver();
    const input = driver.input<string>();
    const out = input.stream
      .keyBy((s) => s)
      .window(tumbling(1000, { time: 'processing' }))
      .trigger(processingTimeTrigger())
      .aggregate(count())
      .collect();
    await driver.start();
    input.push('x').push('x');
    driver.advanceProcessingTime(999);
    expect(out.values).toEqual([{ key: 'x', start: 0, end: 1000, value: 2 }]);
  });

  it('custom triggers: fire on a marker record', async () => {
    const onMarker: Trigger<Ev, null> = {
      createState: () => null,
      onElement: (e) => (e.v < 0 ? 'fireAndPurge' : 'continue'),
      onEventTime: () => 'continue',
      onProcessingTime: () => 'continue',
      clear: () => undefined,
    };
    const driver = new TestDriver();
    const input = driver.input<Ev>();
    const out = input.stream
      .keyBy((e) => e.k)
      .window(globalWindow())
      .trigger(onMarker)
      .aggregate(toList<Ev>(), (_k, _w, l) => values(l))
      .collect();
    await driver.start();
    for (const v of [1, 2, -1, 3, -2]) input.push(ev('a', 0, v));
    expect(out.values).toEqual([
      [1, 2, -1],
      [3, -2],
    ]);
  });

  it('processing-time sessions merge through the general operator', async () => {
    const driver = new TestDriver();
    const input = driver.input<string>();
    const out = input.stream
      .keyBy((s) => s)
      .window(session(100, { time: 'processing' }))
      .aggregate(count())
      .collect();
    await driver.start();
    input.push('u');
    driver.advanceProcessingTime(60);
    input.push('u');
    driver.advanceProcessingTime(60);
    expect(out.values).toEqual([]);
    driver.advanceProcessingTime(100);
    expect(out.values).toEqual([{ key: 'u', start: 0, end: 160, value: 2 }]);
  });
});

describe('general window operator', () => {
  it('with the event-time trigger equals the naive sliding windows (property)', async () => {
    const nAndTotal = combine({ n: count<Ev>(), total: sum((e: Ev) => e.v) });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(
          fc.record({
            k: fc.constantFrom('a', 'b'),
            t: fc.integer({ min: 0, max: 100 }),
            v: fc.integer({ min: 0, max: 9 }),
          }),
          {
            maxLength: 40,
          },
        ),
        async (slide, factor, raw) => {
          const events = [...raw].sort((x, y) => x.t - y.t);
          const env = new StreamEnvironment({ batchSize: 3 });
          const out = env
            .fromArray(events, { timestamps: (e) => e.t, watermarks: boundedOutOfOrderness(0) })
            .keyBy((e) => e.k)
            .window(sliding(slide * factor, slide))
            .trigger(eventTimeTrigger())
            .aggregate(nAndTotal, row)
            .collect();
          await env.execute();
          expect(sortRows(out.values)).toEqual(naiveSliding(events, slide * factor, slide));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('restores windows and timers from a checkpoint', async () => {
    const build = (driver: TestDriver) => {
      const input = driver.input<Ev>({ uid: 'in' });
      const out = input.stream
        .keyBy((e) => e.k)
        .window(tumbling(100))
        .trigger(eventTimeTrigger({ early: 50 }))
        .aggregate(count(), (k, w, n) => `${k}[${w.start}]=${n}`, { uid: 'w' })
        .collect();
      return { input, out };
    };
    const d1 = new TestDriver();
    const a = build(d1);
    await d1.start();
    a.input.push(ev('a', 1), 1).push(ev('a', 2), 2);
    const snap = await d1.checkpoint();
    const d2 = new TestDriver();
    const b = build(d2);
    await d2.start(snap);
    d2.advanceProcessingTime(50); // the restored early-firing timer
    expect(b.out.values).toEqual(['a[0]=2']);
    b.input.push(ev('a', 3), 3).watermark(99);
    expect(b.out.values).toEqual(['a[0]=2', 'a[0]=3']);
  });
});
