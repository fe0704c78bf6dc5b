import { describe, expect, it } from 'vitest';
import { listState, valueState } from '../state/state.js';
import { TestDriver } from '../testing/test-driver.js';

interface Ev {
  user: string;
  n: number;
}

describe('keyed process operator', () => {
  it('fires processing-time timers on simulated time', async () => {
    const driver = new TestDriver({ startTime: 1000 });
    const input = driver.input<Ev>();
    const state = { sum: valueState<number>() };
    const out = input.stream
      .keyBy((e) => e.user)
      .process<string, typeof state>({
        state,
        processElement(e, ctx) {
          const s = ctx.state.sum.value();
          if (s === undefined) ctx.timers.registerProcessingTime(ctx.processingTime + 500);
          ctx.state.sum.update((s ?? 0) + e.n);
        },
        onTimer(t, ctx) {
          ctx.emit(`${ctx.key}:${ctx.state.sum.value()!}@${t}/${ctx.timeDomain}`);
          ctx.state.sum.clear();
        },
      })
      .collect();
    await driver.start();
    input.push({ user: 'a', n: 1 }).push({ user: 'b', n: 2 });
    driver.advanceProcessingTime(200);
    input.push({ user: 'a', n: 3 });
    expect(out.values).toEqual([]);
    driver.advanceProcessingTime(300);
    expect(out.values).toEqual(['a:4@1500/processingTime', 'b:2@1500/processingTime']);
    input.push({ user: 'a', n: 5 });
    driver.advanceProcessingTime(499);
    expect(out.values).toHaveLength(2);
    driver.advanceProcessingTime(1);
    expect(out.values[2]).toBe('a:5@2000/processingTime');
  });

  it('deletes timers and keeps list state per key', async () => {
    const driver = new TestDriver();
    const input = driver.input<Ev>();
    const state = { seen: listState<number>() };
    const out = input.stream
      .keyBy((e) => e.user)
      .process<number[], typeof state>({
        state,
        processElement(e, ctx) {
          ctx.state.seen.add(e.n);
          ctx.timers.registerEventTime(100);
          if (e.n < 0) ctx.timers.deleteEventTime(100);
        },
        onTimer(_t, ctx) {
          ctx.emit([...ctx.state.seen.get()]);
        },
      })
      .collect();
    await driver.start();
    input.push({ user: 'a', n: 1 }, 10).push({ user: 'b', n: -1 }, 11).push({ user: 'a', n: 2 }, 12);
    input.watermark(99);
    expect(out.values).toEqual([]);
    input.watermark(100);
    expect(out.values).toEqual([[1, 2]]);
    expect(out.timestamps).toEqual([100]);
  });

  it('restores state and timers from a checkpoint', async () => {
    const build = (driver: TestDriver) => {
      const input = driver.input<Ev>({ uid: 'in' });
      const state = { sum: valueState<number>({ default: 0 }) };
      const out = input.stream
        .keyBy((e) => e.user)
        .process<string, typeof state>(
          {
            state,
            processElement(e, ctx) {
              ctx.state.sum.update(ctx.state.sum.value()! + e.n);
              ctx.timers.registerEventTime(1000);
            },
            onTimer(_t, ctx) {
              ctx.emit(`${ctx.key}=${ctx.state.sum.value()!}`);
            },
          },
          { uid: 'summer' },
        )
        .collect();
      return { input, out };
    };
    const first = new TestDriver();
    const a = build(first);
    await first.start();
    a.input.push({ user: 'x', n: 2 }, 1).push({ user: 'y', n: 5 }, 2);
    const snapshot = await first.checkpoint();
    a.input.push({ user: 'x', n: 100 }, 3); // after the checkpoint: lost with the "crash"

    const second = new TestDriver();
    const b = build(second);
    await second.start(snapshot);
    b.input.push({ user: 'x', n: 1 }, 4);
    b.input.watermark(1000);
    expect([...b.out.values].sort()).toEqual(['x=3', 'y=5']);
  });
});
