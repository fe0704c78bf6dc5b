import { describe, expect, it } from 'vitest';
import { OutputTag } from '../core/output-tag.js';
import { valueState } from '../state/state.js';
import { count, sum } from '../windows/aggregators.js';
import { StreamEnvironment } from './environment.js';

describe('DataStream transformations (run by the executor)', () => {
  it('map, filter and flatMap keep order and timestamps', async () => {
    const env = new StreamEnvironment({ batchSize: 3 });
    const out = env
      .fromArray(['a b', 'c', '', 'd e f'], { timestamps: (s) => s.length })
      .flatMap((line: string) => line.split(' ').filter((w) => w !== ''))
      .filter((w) => w !== 'c')
      .map((w) => w.toUpperCase())
      .collect();
    await env.execute();
    expect(out.values).toEqual(['A', 'B', 'D', 'E', 'F']);
    expect(out.timestamps).toEqual([3, 3, 5, 5, 5]);
  });

  it('flatMap accepts a collector', async () => {
    const env = new StreamEnvironment();
    const out = env
      .fromArray([1, 2, 3])
      .flatMap<number>((n, c) => {
        for (let i = 0; i < n; i++) c.collect(n);
      })
      .collect();
    await env.execute();
    expect(out.values).toEqual([1, 2, 2, 3, 3, 3]);
  });

  it('process writes side outputs', async () => {
    const env = new StreamEnvironment();
    const odd = new OutputTag<number>('odd');
    const evens = env.fromArray([1, 2, 3, 4, 5]).process<number>({
      processElement(v, ctx) {
        if (v % 2 === 0) ctx.emit(v);
        else ctx.output(odd, v * 100);
      },
    });
    const main = evens.collect();
    const side = evens.sideOutput(odd).collect();
    await env.execute();
    expect(main.values).toEqual([2, 4]);
    expect(side.values).toEqual([100, 300, 500]);
  });

  it('union merges streams', async () => {
    const env = new StreamEnvironment();
    const a = env.fromArray([1, 2]);
    const b = env.fromArray([10, 20]);
    const c = env.fromArray([100]);
    const out = a
      .union(b, c)
      .map((x) => x + 1)
      .collect();
    await env.execute();
    expect([...out.values].sort((x, y) => x - y)).toEqual([2, 3, 11, 21, 101]);
  });

  it('a stream can feed several operators', async () => {
    const env = new StreamEnvironment();
    const src = env.fromArray([1, 2, 3]);
    const doubled = src.map((x) => x * 2).collect();
    const squared = src.map((x) => x * x).collect();
    await env.execute();
    expect(doubled.values).toEqual([2, 4, 6]);
    expect(squared.values).toEqual([1, 4, 9]);
  });

  it('keyBy + reduce is a rolling reduce per key', async () => {
    const env = new StreamEnvironment({ batchSize: 2 });
    const out = env
      .fromArray([
        ['a', 1],
        ['b', 5],
        ['a', 2],
        ['b', 1],
        ['a', 3],
      ] as Array<[string, number]>)
      .keyBy((r) => r[0])
      .reduce((x, y) => [x[0], x[1] + y[1]])
      .collect();
    await env.execute();
    expect(out.values).toEqual([
      ['a', 1],
      ['b', 5],
      ['a', 3],
      ['b', 6],
      ['a', 6],
    ]);
  });

  it('keyBy + aggregate emits every updated result', async () => {
    const env = new StreamEnvironment();
    const out = env
      .fromArray([3, 1, 4, 1, 5])
      .keyBy((n) => n % 2)
      .aggregate(
        sum((n: number) => n),
        (parity, total) => `${parity}:${total}`,
      )
      .collect();
    const counts = env
      .fromArray(['x', 'y', 'x'])
      .keyBy((s) => s)
      .aggregate(count())
      .collect();
    await env.execute();
    expect(out.values).toEqual(['1:3', '1:4', '0:4', '1:5', '1:10']);
    expect(counts.values).toEqual([
      { key: 'x', value: 1 },
      { key: 'y', value: 1 },
      { key: 'x', value: 2 },
    ]);
  });

  it('keyed process keeps state per key and fires event-time timers', async () => {
    // Watermarks follow each batch; batches of one make them follow each record.
    const env = new StreamEnvironment({ batchSize: 1 });
    const state = { total: valueState<number>({ default: 0 }) };
    const out = env
      .fromArray(
        [
          { k: 'a', v: 1, t: 1000 },
          { k: 'b', v: 10, t: 1500 },
          { k: 'a', v: 2, t: 2500 },
          { k: 'c', v: 0, t: 5000 },
          { k: 'a', v: 4, t: 7000 },
        ],
        { timestamps: (e) => e.t },
      )
      .keyBy((e) => e.k)
      .process<string, typeof state>({
        state,
        processElement(e, ctx) {
          const total = ctx.state.total.value()!;
          if (total === 0) ctx.timers.registerEventTime(ctx.timestamp + 2000);
          ctx.state.total.update(total + e.v);
        },
        onTimer(t, ctx) {
          ctx.emit(`${ctx.key}@${t}=${ctx.state.total.value()!}`);
          ctx.state.total.clear();
        },
      })
      .collect();
    await env.execute();
    // c's record moves the watermark past a's and b's timers before a's next record arrives.
    expect(out.values).toEqual(['a@3000=3', 'b@3500=10', 'c@7000=0', 'a@9000=4']);
    expect(out.timestamps).toEqual([3000, 3500, 7000, 9000]);
  });

  it('connected keyed streams share state per key', async () => {
    const env = new StreamEnvironment();
    const orders = env.fromArray([
      { customer: 1, item: 'book' },
      { customer: 2, item: 'pen' },
    ]);
    const names = env.fromArray([
      { id: 1, name: 'Ada' },
      { id: 2, name: 'Alan' },
    ]);
    const state = { name: valueState<string>(), pending: valueState<string[]>() };
    const out = orders
      .keyBy((o) => o.customer)
      .connect(names.keyBy((n) => n.id))
      .process<string, typeof state>({
        state,
        processElement1(o, ctx) {
          const name = ctx.state.name.value();
          if (name !== undefined) ctx.emit(`${name} bought ${o.item}`);
          else ctx.state.pending.update([...(ctx.state.pending.value() ?? []), o.item]);
        },
        processElement2(n, ctx) {
          ctx.state.name.update(n.name);
          for (const item of ctx.state.pending.value() ?? []) ctx.emit(`${n.name} bought ${item}`);
          ctx.state.pending.clear();
        },
      })
      .collect();
    await env.execute();
    expect([...out.values].sort()).toEqual(['Ada bought book', 'Alan bought pen']);
  });

  it('reports per-operator metrics', async () => {
    const env = new StreamEnvironment();
    env
      .fromArray([1, 2, 3, 4])
      .filter((x) => x > 2)
      .collect();
    const result = await env.execute();
    expect(result.status).toBe('finished');
    const [filter, sink] = result.metrics.operators;
    expect(filter).toMatchObject({ kind: 'filter', recordsIn: 4, recordsOut: 2, watermark: Infinity });
    expect(sink).toMatchObject({ kind: 'sink', recordsIn: 2 });
    expect(result.metrics.sources[0]).toMatchObject({ recordsOut: 4, splits: 1, finishedSplits: 1 });
  });

  it('rejects duplicate uids', async () => {
    const env = new StreamEnvironment();
    env
      .fromArray([1])
      .map((x) => x)
      .uid('same')
      .map((x) => x)
      .uid('same')
      .collect();
    await expect(env.execute()).rejects.toThrow(/uid 'same' is used by more than one operator/);
  });

  it('fails the job when user code throws', async () => {
    const env = new StreamEnvironment();
    env
      .fromArray([1, 2, 3])
      .map((x) => {
        if (x === 2) throw new Error('boom');
        return x;
      })
      .collect();
    await expect(env.execute()).rejects.toThrow('boom');
  });
});
