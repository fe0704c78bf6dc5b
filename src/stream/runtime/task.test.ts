import { describe, expect, it } from 'vitest';
import { TestDriver } from '../testing/test-driver.js';
import { boundedOutOfOrderness } from '../time/watermark-strategy.js';

/** Emits, per record, the watermark the operator saw before it. */
function watermarkProbe(driver: TestDriver, union: 'union' | 'connect') {
  const a = driver.input<string>({ name: 'a', watermarks: boundedOutOfOrderness(0).withIdleness(1000) });
  const b = driver.input<string>({ name: 'b', watermarks: boundedOutOfOrderness(0).withIdleness(1000) });
  const seen: number[] = [];
  const fired: number[] = [];
  const processElement = (
    _v: string,
    ctx: { currentWatermark: number; timers: { registerEventTime(t: number): void } },
  ): void => {
    seen.push(ctx.currentWatermark);
    ctx.timers.registerEventTime(100);
  };
  const onTimer = (t: number): void => {
    fired.push(t);
  };
  if (union === 'union') {
    a.stream
      .union(b.stream)
      .keyBy(() => 'k')
      .process({ processElement, onTimer });
  } else {
    a.stream
      .keyBy(() => 'k')
      .connect(b.stream.keyBy(() => 'k'))
      .process({
        processElement1: processElement,
        processElement2: processElement,
        onTimer,
      });
  }
  return { a, b, seen, fired };
}

describe('task watermarks', () => {
  for (const shape of ['union', 'connect'] as const) {
    it(`takes the minimum over inputs (${shape})`, async () => {
      const driver = new TestDriver();
      const { a, b, seen, fired } = watermarkProbe(driver, shape);
      await driver.start();
      a.push('x', 150); // a's watermark 149, b's still -∞
      expect(fired).toEqual([]);
      b.push('y', 120); // b: 119 → min 119 ≥ 100
      expect(fired).toEqual([100]);
      expect(seen).toEqual([-Infinity, -Infinity]);
      a.push('z', 130);
      expect(seen[2]).toBe(119);
    });
  }

  it('ignores idle inputs and resumes them on new records', async () => {
    const driver = new TestDriver();
    const { a, b, seen, fired } = watermarkProbe(driver, 'union');
    await driver.start();
    a.push('x', 500);
    driver.advanceProcessingTime(999);
    expect(fired).toEqual([]);
    b.push('keep-b-active', 50); // b active again: watermark 49
    driver.advanceProcessingTime(1);
    // a has been quiet for 1000 ms and is idle; b is not: min is b's 49.
    expect(fired).toEqual([]);
    driver.advanceProcessingTime(1000);
    // Both idle: the watermark holds (no input to take it from).
    a.push('wake', 600); // a active: min over active = 599
    expect(fired).toEqual([100]);
    expect(seen.at(-1)).toBe(49);
  });

  it('ends with an infinite watermark once every input ended', async () => {
    const driver = new TestDriver();
    const { a, b, fired } = watermarkProbe(driver, 'connect');
    await driver.start();
    a.push('x', 1);
    a.end();
    expect(fired).toEqual([]);
    b.end();
    expect(fired).toEqual([100]);
    expect(driver.runtime.tasks.every((t) => t.watermark === Infinity)).toBe(true);
  });
});
