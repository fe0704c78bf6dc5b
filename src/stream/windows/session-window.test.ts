import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naiveSessions, row, sortRows, type Ev } from '../../../test/stream/window-fixtures.js';
import { StreamEnvironment } from '../api/environment.js';
import { OutputTag } from '../core/output-tag.js';
import { decodeState, encodeState, type CheckpointData } from '../checkpoint/format.js';
import { TestDriver } from '../testing/test-driver.js';
import { boundedOutOfOrderness } from '../time/watermark-strategy.js';
import { combine, count, sum } from './aggregators.js';
import { session } from './assigners.js';
import { eventTimeTrigger } from './triggers.js';

const nAndTotal = combine({ n: count<Ev>(), total: sum((e: Ev) => e.v) });
const ev = (k: string, t: number, v = 1): Ev => ({ k, t, v });

function sessionDriver(gap: number, grace = 0, general = false) {
  const driver = new TestDriver();
  const input = driver.input<Ev>();
  const late = new OutputTag<Ev>('late');
  let w = input.stream
    .keyBy((e) => e.k)
    .window(session(gap, { grace }))
    .lateOutput(late);
  if (general) w = w.trigger(eventTimeTrigger());
  const result = w.aggregate(nAndTotal, row);
  return { driver, input, out: result.collect(), late: result.sideOutput(late).collect() };
}

describe.each([
  ['session operator', false],
  ['general window operator', true],
])('session windows (%s)', (_name, general) => {
  it('merge windows that touch, as Flink does', async () => {
    const { driver, input, out } = sessionDriver(10, 0, general);
    await driver.start();
    input.push(ev('a', 0), 0).push(ev('a', 10), 10).push(ev('a', 25), 25);
    input.end();
    expect(sortRows(out.values)).toEqual([
      { k: 'a', start: 0, end: 20, n: 2, total: 2 },
      { k: 'a', start: 25, end: 35, n: 1, total: 1 },
    ]);
    expect(out.timestamps).toEqual([19, 34]);
  });

  it('merge two sessions bridged by an out-of-order record', async () => {
    const { driver, input, out } = sessionDriver(5, 0, general);
    await driver.start();
    input.push(ev('a', 0), 0).push(ev('a', 12), 12).push(ev('b', 1), 1);
    input.push(ev('a', 6), 6); // [6,11) touches [0,5)? no (5 < 6); overlaps [12,17)? 11 < 12: no
    input.push(ev('a', 4), 4); // [4,9) bridges [0,5) and [6,11)
    input.watermark(100);
    expect(sortRows(out.values)).toEqual([
      { k: 'a', start: 0, end: 11, n: 3, total: 3 },
      { k: 'b', start: 1, end: 6, n: 1, total: 1 },
      { k: 'a', start: 12, end: 17, n: 1, total: 1 },
    ]);
  });

  it('fire when the watermark passes the session end', async () => {
    const { driver, input, out } = sessionDriver(10, 0, general);
    await driver.start();
    input.push(ev('a', 100), 100).push(ev('a', 105), 105);
    input.watermark(113);
    expect(out.values).toEqual([]);
    input.watermark(114);
    expect(out.values).toEqual([{ k: 'a', start: 100, end: 115, n: 2, total: 2 }]);
  });

  it('route records too late for any session to the side output, and update within lateness', async () => {
    const { driver, input, out, late } = sessionDriver(10, 20, general);
    await driver.start();
    input.push(ev('a', 100, 1), 100).watermark(200);
    expect(out.values).toEqual([{ k: 'a', start: 100, end: 110, n: 1, total: 1 }]);
    input.push(ev('z', 150, 9), 150); // alone, 159 + 20 <= 200: too late
    expect(late.values).toEqual([ev('z', 150, 9)]);
    const { driver: d2, input: i2, out: o2 } = sessionDriver(10, 20, general);
    await d2.start();
    i2.push(ev('a', 100, 1), 100).watermark(115);
    i2.push(ev('a', 105, 2), 105); // fired session, within lateness: fires again, updated
    expect(o2.values.at(-1)).toEqual({ k: 'a', start: 100, end: 115, n: 2, total: 3 });
  });

  it('equal a naive sessionisation (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 15 }),
        fc.array(
          fc.record({
            k: fc.constantFrom('a', 'b'),
            t: fc.integer({ min: 0, max: 150 }),
            v: fc.integer({ min: 0, max: 9 }),
          }),
          {
            maxLength: 50,
          },
        ),
        fc.integer({ min: 1, max: 6 }),
        async (gap, raw, batchSize) => {
          const events = [...raw].sort((x, y) => x.t - y.t).map((e, i) => ({ ...e, t: e.t + (i % 2) * 4 }));
          const env = new StreamEnvironment({ batchSize });
          let w = env
            .fromArray(events, { timestamps: (e) => e.t, watermarks: boundedOutOfOrderness(10) })
            .keyBy((e) => e.k)
            .window(session(gap));
          if (general) w = w.trigger(eventTimeTrigger());
          const out = w.aggregate(nAndTotal, row).collect();
          await env.execute();
          expect(sortRows(out.values)).toEqual(naiveSessions(events, gap));
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('session window state', () => {
  it('survives a checkpoint and restore', async () => {
    const build = (driver: TestDriver) => {
      const input = driver.input<Ev>({ uid: 'in' });
      const out = input.stream
        .keyBy((e) => e.k)
        .window(session(10))
        .aggregate(count(), (k, w, n) => ({ k, start: w.start, end: w.end, n }), { uid: 'sessions' })
        .collect();
      return { input, out };
    };
    const d1 = new TestDriver();
    const a = build(d1);
    await d1.start();
    a.input.push(ev('a', 0), 0).push(ev('b', 3), 3);
    const snap = await d1.checkpoint();
    const d2 = new TestDriver();
    const b = build(d2);
    await d2.start(snap);
    b.input.push(ev('a', 8), 8).end();
    expect(b.out.values).toEqual([
      { k: 'b', start: 3, end: 13, n: 1 },
      { k: 'a', start: 0, end: 18, n: 2 },
    ]);
  });
});

describe('session window snapshots', () => {
  // Several sessions per key, fired ones kept for lateness, and a late record after the restore
  // that merges two of them and fires the merged session again.
  const before: Array<[Ev, number]> = [
    [ev('a', 0), 0],
    [ev('a', 18), 18],
    [ev('b', 2, 5), 2],
    [ev('a', 60), 60],
  ];
  const after: Array<[Ev, number]> = [
    [ev('a', 10), 10],
    [ev('b', 70), 70],
  ];
  const build = (driver: TestDriver) => {
    const input = driver.input<Ev>({ uid: 'in' });
    const out = input.stream
      .keyBy((e) => e.k)
      .window(session(10, { grace: 100 }))
      .aggregate(nAndTotal, row, { uid: 'sessions' })
      .collect();
    return { input, out };
  };
  const run = async (convert?: (snap: CheckpointData) => CheckpointData) => {
    const d1 = new TestDriver();
    const a = build(d1);
    await d1.start();
    for (const [e, t] of before) a.input.push(e, t);
    a.input.watermark(50);
    let snap = await d1.checkpoint();
    if (convert !== undefined) snap = convert(snap);
    const d2 = new TestDriver();
    const b = build(d2);
    await d2.start(snap);
    for (const [e, t] of after) b.input.push(e, t);
    b.input.end();
    return [...a.out.values, ...b.out.values];
  };

  it('restore to the state of a job that was never interrupted', async () => {
    const d = new TestDriver();
    const u = build(d);
    await d.start();
    for (const [e, t] of before) u.input.push(e, t);
    u.input.watermark(50);
    for (const [e, t] of after) u.input.push(e, t);
    u.input.end();
    expect(await run()).toEqual(u.out.values);
    expect(u.out.values).toContainEqual({ k: 'a', start: 0, end: 28, n: 3, total: 3 });
  });

  it('restore from the version-1 format (objects per session)', async () => {
    const toVersion1 = (snap: CheckpointData): CheckpointData => {
      const states = new Map(snap.states);
      const task = decodeState(states.get('sessions')!) as {
        operator: { format: number; watermark: number; sessions: Map<number, unknown[]> };
      };
      expect(task.operator.format).toBe(2);
      const v1 = new Map<number, unknown[]>();
      for (const [g, flat] of task.operator.sessions) {
        const entries: unknown[] = [];
        for (let i = 0; i < flat.length;) {
          const key = flat[i];
          const n = flat[i + 1] as number;
          i += 2;
          const sessions: unknown[] = [];
          for (let j = 0; j < n; j++, i += 4) {
            sessions.push({ start: flat[i], end: flat[i + 1], acc: flat[i + 2], fired: flat[i + 3] === 1 });
          }
          entries.push(key, sessions);
        }
        v1.set(g, entries);
      }
      task.operator = { format: 1, watermark: task.operator.watermark, sessions: v1 };
      states.set('sessions', encodeState(task));
      return { ...snap, states };
    };
    expect(await run(toVersion1)).toEqual(await run());
  });
});
