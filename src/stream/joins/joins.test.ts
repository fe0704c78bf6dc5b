import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../api/environment.js';
import { TestDriver } from '../testing/test-driver.js';
import { sliding, tumbling } from '../windows/assigners.js';

interface L {
  k: string;
  t: number;
  id: string;
}
interface R {
  k: string;
  t: number;
  id: string;
}

describe('interval join', () => {
  it('pairs records within [l + lower, l + upper], stamped with the later time', async () => {
    const driver = new TestDriver();
    const left = driver.input<L>();
    const right = driver.input<R>();
    const out = left.stream
      .keyBy((l) => l.k)
      .intervalJoin(right.stream.keyBy((r) => r.k))
      .between('-2s', 1000)
      .join((l, r) => `${l.id}-${r.id}`)
      .collect();
    await driver.start();
    left.push({ k: 'a', t: 5000, id: 'L1' }, 5000);
    right.push({ k: 'a', t: 2999, id: 'R0' }, 2999); // too early (5000 - 2000 = 3000)
    right.push({ k: 'a', t: 3000, id: 'R1' }, 3000);
    right.push({ k: 'a', t: 6000, id: 'R2' }, 6000);
    right.push({ k: 'a', t: 6001, id: 'R3' }, 6001); // too late
    right.push({ k: 'b', t: 5000, id: 'R4' }, 5000); // other key
    left.push({ k: 'a', t: 7000, id: 'L2' }, 7000); // joins R2, R3 (5000..8000)
    expect(out.values).toEqual(['L1-R1', 'L1-R2', 'L2-R2', 'L2-R3']);
    expect(out.timestamps).toEqual([5000, 6000, 7000, 7000]);
  });

  it('drops records behind the watermark and forgets state that can no longer match', async () => {
    const driver = new TestDriver();
    const left = driver.input<L>();
    const right = driver.input<R>();
    const out = left.stream
      .keyBy((l) => l.k)
      .intervalJoin(right.stream.keyBy((r) => r.k))
      .between(0, 10)
      .join((l, r) => `${l.id}-${r.id}`)
      .collect();
    await driver.start();
    left.push({ k: 'a', t: 100, id: 'L' }, 100);
    left.watermark(200);
    right.watermark(200);
    right.push({ k: 'a', t: 105, id: 'late' }, 105);
    expect(out.values).toEqual([]);
    expect(driver.metrics().operators.find((o) => o.kind === 'interval-join')!.dropped).toBe(1);
    const snap = await driver.checkpoint();
    expect(snap.states.size).toBeGreaterThan(0);
  });

  it('equals a nested-loop join (property)', async () => {
    const rec = fc.record({ k: fc.constantFrom('x', 'y'), t: fc.integer({ min: 0, max: 100 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(rec, { maxLength: 25 }),
        fc.array(rec, { maxLength: 25 }),
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        async (ls, rs, lower, width) => {
          const upper = lower + width;
          const lefts = ls.map((l, i) => ({ ...l, id: `l${i}` })).sort((a, b) => a.t - b.t);
          const rights = rs.map((r, i) => ({ ...r, id: `r${i}` })).sort((a, b) => a.t - b.t);
          // Pushed in time order, the watermark one behind: nothing is late, so the join must be exact.
          const driver = new TestDriver();
          const a = driver.input<L>();
          const b = driver.input<R>();
          const out = a.stream
            .keyBy((l) => l.k)
            .intervalJoin(b.stream.keyBy((r) => r.k))
            .between(lower, upper)
            .join((l, r) => `${l.id}-${r.id}`)
            .collect();
          await driver.start();
          const all = [...lefts.map((l) => ['l', l] as const), ...rights.map((r) => ['r', r] as const)].sort(
            (x, y) => x[1].t - y[1].t,
          );
          for (const [side, rec] of all) {
            (side === 'l' ? a : b).push(rec, rec.t);
            a.watermark(rec.t - 1);
            b.watermark(rec.t - 1);
          }
          a.end();
          b.end();
          const expected: string[] = [];
          for (const l of lefts)
            for (const r of rights)
              if (l.k === r.k && r.t >= l.t + lower && r.t <= l.t + upper) expected.push(`${l.id}-${r.id}`);
          expect([...out.values].sort()).toEqual(expected.sort());
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('window join', () => {
  it('pairs records of a key in the same window', async () => {
    const env = new StreamEnvironment();
    const people = env.fromArray(
      [
        { id: 1, name: 'Ada', t: 1000 },
        { id: 2, name: 'Bob', t: 2000 },
        { id: 1, name: 'Ada', t: 12_000 },
      ],
      { timestamps: (p) => p.t },
    );
    const auctions = env.fromArray(
      [
        { seller: 1, item: 'a1', t: 1500 },
        { seller: 1, item: 'a2', t: 9000 },
        { seller: 2, item: 'a3', t: 11_000 },
      ],
      { timestamps: (a) => a.t },
    );
    const out = people
      .keyBy((p) => p.id)
      .windowJoin(
        auctions.keyBy((a) => a.seller),
        tumbling('10s'),
      )
      .apply((p, a, w) => `${p.name}:${a.item}@${w.start}`)
      .collect();
    await env.execute();
    expect([...out.values].sort()).toEqual(['Ada:a1@0', 'Ada:a2@0']);
  });

  it('coGroup sees both sides, either possibly empty, with sliding windows', async () => {
    const env = new StreamEnvironment();
    const a = env.fromArray([{ k: 'x', t: 1 }], { timestamps: (r) => r.t });
    const b = env.fromArray([{ k: 'x', t: 6 }], { timestamps: (r) => r.t });
    const out = a
      .keyBy((r) => r.k)
      .windowJoin(
        b.keyBy((r) => r.k),
        sliding(10, 5),
      )
      .coGroup<string>((k, ls, rs, w, o) => {
        o.collect(`${k}[${w.start},${w.end}) ${ls.length}/${rs.length}`);
      })
      .collect();
    await env.execute();
    expect([...out.values].sort()).toEqual(['x[-5,5) 1/0', 'x[0,10) 1/1', 'x[5,15) 0/1']);
  });
});

describe('regular join', () => {
  it('emits every matching pair once, whichever side comes first', async () => {
    const driver = new TestDriver();
    const auctions = driver.input<{ id: number; seller: number }>();
    const people = driver.input<{ id: number; name: string }>();
    const out = auctions.stream
      .keyBy((a) => a.seller)
      .join(
        people.stream.keyBy((p) => p.id),
        (a, p) => `${p.name}/${a.id}`,
      )
      .collect();
    await driver.start();
    auctions.push({ id: 100, seller: 1 }, 10);
    people.push({ id: 1, name: 'Ada' }, 5);
    auctions.push({ id: 101, seller: 1 }, 20);
    people.push({ id: 2, name: 'Bob' }, 30);
    auctions.push({ id: 102, seller: 3 }, 40);
    expect(out.values).toEqual(['Ada/100', 'Ada/101']);
    expect(out.timestamps).toEqual([10, 20]);
  });

  it('forgets state after its TTL', async () => {
    const driver = new TestDriver();
    const a = driver.input<{ k: string; v: number }>();
    const b = driver.input<{ k: string; v: number }>();
    const out = a.stream
      .keyBy((x) => x.k)
      .join(
        b.stream.keyBy((x) => x.k),
        (x, y) => x.v + y.v,
        { ttl: 1000 },
      )
      .collect();
    await driver.start();
    a.push({ k: 'k', v: 1 });
    driver.advanceProcessingTime(1000);
    b.push({ k: 'k', v: 10 });
    expect(out.values).toEqual([]);
    a.push({ k: 'k', v: 2 });
    expect(out.values).toEqual([12]);
  });
});

describe('stream–table join', () => {
  it('joins with the latest value per key (inner and left), honouring deletes', async () => {
    const driver = new TestDriver();
    const orders = driver.input<{ product: string; qty: number }>();
    const prices = driver.input<{ product: string; price: number | null }>();
    const inner = orders.stream
      .keyBy((o) => o.product)
      .joinLatest(
        prices.stream.keyBy((p) => p.product),
        (o, p) => o.qty * p.price!,
        { isDelete: (p) => p.price === null },
      )
      .collect();
    const left = orders.stream
      .keyBy((o) => o.product)
      .joinLatest(
        prices.stream.keyBy((p) => p.product),
        (o, p) => (p === undefined ? `${o.product}:?` : `${o.product}:${p.price}`),
        { kind: 'left' },
      )
      .collect();
    await driver.start();
    orders.push({ product: 'tea', qty: 2 }, 1);
    prices.push({ product: 'tea', price: 3 });
    orders.push({ product: 'tea', qty: 2 }, 2);
    prices.push({ product: 'tea', price: 4 });
    orders.push({ product: 'tea', qty: 1 }, 3);
    prices.push({ product: 'tea', price: null });
    orders.push({ product: 'tea', qty: 5 }, 4);
    expect(inner.values).toEqual([6, 4]);
    expect(inner.timestamps).toEqual([2, 3]);
    expect(left.values).toEqual(['tea:?', 'tea:3', 'tea:4', 'tea:null']);
  });
});
