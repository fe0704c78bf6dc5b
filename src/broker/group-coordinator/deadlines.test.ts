import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { Deadlines } from './deadlines.js';

describe('Deadlines on a ManualClock', () => {
  it('fires what is due, earliest first, and nothing before its time', () => {
    const clock = new ManualClock(0);
    const d = new Deadlines(clock, { autoRun: false });
    const fired: string[] = [];
    d.schedule('b', 200, () => fired.push('b'));
    d.schedule('a', 100, () => fired.push('a'));
    d.schedule('c', 300, () => fired.push('c'));
    clock.advance(99);
    expect(d.runDue()).toBe(0);
    clock.advance(101);
    expect(d.runDue()).toBe(2);
    expect(fired).toEqual(['a', 'b']);
    expect(d.earliest()).toBe(300);
  });

  it('replaces a deadline rescheduled under the same key, and cancels', () => {
    const clock = new ManualClock(0);
    const d = new Deadlines(clock, { autoRun: false });
    const fired: string[] = [];
    d.schedule('s', 100, () => fired.push('first'));
    d.schedule('s', 500, () => fired.push('second'));
    d.schedule('x', 50, () => fired.push('x'));
    d.cancel('x');
    clock.set(400);
    d.runDue();
    expect(fired).toEqual([]);
    clock.set(500);
    d.runDue();
    expect(fired).toEqual(['second']);
  });

  it('fires deadlines scheduled by a firing deadline when they are already due', () => {
    const clock = new ManualClock(0);
    const d = new Deadlines(clock, { autoRun: false });
    const fired: string[] = [];
    d.schedule('a', 10, () => {
      fired.push('a');
      d.schedule('b', 5, () => fired.push('b'));
    });
    clock.set(10);
    expect(d.runDue()).toBe(2);
    expect(fired).toEqual(['a', 'b']);
  });

  it('reports a failing deadline to onError and goes on', () => {
    const clock = new ManualClock(0);
    const errors: unknown[] = [];
    const d = new Deadlines(clock, { autoRun: false, onError: (e) => errors.push(e) });
    const fired: string[] = [];
    d.schedule('bad', 1, () => {
      throw new Error('boom');
    });
    d.schedule('good', 2, () => fired.push('good'));
    clock.set(5);
    d.runDue();
    expect(errors).toHaveLength(1);
    expect(fired).toEqual(['good']);
  });

  it('ignores schedules after close', () => {
    const clock = new ManualClock(0);
    const d = new Deadlines(clock, { autoRun: true });
    d.close();
    d.schedule('late', 0, () => {
      throw new Error('must not fire');
    });
    expect(d.has('late')).toBe(false);
  });
});
