import { describe, expect, it } from 'vitest';
import { NEXMARK_QUERIES, QUERY_COLUMNS, generateEvents } from '../../src/stream/nexmark/index.js';
import { at, auction, bid, person } from './events.js';
import type { Row } from './reference.js';
import { canonicalRows, diffRows, q0, q1, q11, q2, q3, q5, q7, q8, referenceQueries } from './reference.js';

/** Asserts equal multisets of rows, showing the difference on failure. */
function expectRows(actual: readonly Row[], expected: readonly Row[]): void {
  expect(diffRows(expected, actual)).toEqual({ missing: [], unexpected: [] });
}

describe('Nexmark reference computations on hand-made events', () => {
  it('q0 passes bids through and ignores persons and auctions', () => {
    const events = [person(1, at(0)), bid(7, 1, 500, at(1)), auction(7, 1, at(1)), bid(8, 2, 600, at(2))];
    expect(q0(events)).toEqual([
      { auction: 7, bidder: 1, price: 500, dateTime: at(1), extra: `x${at(1)}` },
      { auction: 8, bidder: 2, price: 600, dateTime: at(2), extra: `x${at(2)}` },
    ]);
  });

  it('q1 converts prices with three exact decimals', () => {
    const prices = q1([1, 3, 1000, 12_345, 99_999_999].map((p, i) => bid(1, 1, p, at(i)))).map(
      (r) => r.price,
    );
    expect(prices).toEqual([0.908, 2.724, 908, 11_209.26, 90_799_999.092]);
    expect(prices.map(String)).toEqual(['0.908', '2.724', '908', '11209.26', '90799999.092']);
  });

  it('q2 keeps bids on every 123rd auction', () => {
    const events = [
      bid(246, 1, 10, at(0)),
      bid(247, 1, 20, at(0)),
      bid(123, 2, 30, at(1)),
      bid(1, 2, 40, at(1)),
    ];
    expect(q2(events)).toEqual([
      { auction: 246, price: 10 },
      { auction: 123, price: 30 },
    ]);
  });

  it('q3 joins category-10 auctions with sellers in OR, ID or CA, whichever arrives first', () => {
    const events = [
      person(1, at(0), { name: 'Ann', city: 'Portland', state: 'OR' }),
      person(2, at(0), { name: 'Bob', city: 'Seattle', state: 'WA' }),
      auction(10, 1, at(1)),
      auction(11, 2, at(1)),
      auction(12, 3, at(1), { category: 11 }),
      auction(13, 3, at(2)),
      auction(14, 99, at(2)),
      person(3, at(3), { name: 'Cid', city: 'Bend', state: 'CA' }),
    ];
    expectRows(q3(events), [
      { name: 'Ann', city: 'Portland', state: 'OR', id: 10 },
      { name: 'Cid', city: 'Bend', state: 'CA', id: 13 },
    ]);
  });

  it('q5 finds the auctions with most bids per 10 s window sliding by 2 s, ties included', () => {
    const events = [
      bid(1, 1, 1, at(0)),
      bid(1, 1, 1, at(1)),
      bid(2, 1, 1, at(1.5)),
      bid(2, 1, 1, at(5)),
      bid(2, 1, 1, at(6)),
    ];
    const row = (auction: number, num: number, start: number): Row => ({
      auction,
      num,
      window_start: at(start),
      window_end: at(start + 10),
    });
    expectRows(q5(events), [
      row(1, 2, -8),
      row(1, 2, -6),
      row(1, 2, -4),
      row(2, 2, -4),
      row(2, 3, -2),
      row(2, 3, 0),
      row(2, 2, 2),
      row(2, 2, 4),
      row(2, 1, 6),
    ]);
  });

  it('q7 finds the bids at each 10 s window’s highest price, a bid at the window end in both', () => {
    const events = [
      bid(1, 1, 5, at(1)),
      bid(2, 1, 9, at(2)),
      bid(3, 2, 9, at(3)),
      bid(4, 3, 9, at(10)),
      bid(5, 3, 4, at(15)),
    ];
    const row = (auctionId: number, bidder: number, time: number, start: number): Row => ({
      auction: auctionId,
      price: 9,
      bidder,
      dateTime: at(time),
      extra: `x${at(time)}`,
      window_start: at(start),
      window_end: at(start + 10),
    });
    expectRows(q7(events), [row(2, 1, 2, 0), row(3, 2, 3, 0), row(4, 3, 10, 0), row(4, 3, 10, 10)]);
  });

  it('q8 finds persons who created an auction in the 10 s window they registered in', () => {
    const events = [
      person(1, at(1), { name: 'Ann' }),
      person(2, at(2), { name: 'Bob' }),
      auction(10, 1, at(5)),
      auction(11, 1, at(6)),
      auction(12, 2, at(11)),
      person(3, at(12), { name: 'Cid' }),
      auction(13, 3, at(13)),
      auction(14, 3, at(14)),
      auction(15, 999, at(15)),
    ];
    const row = (id: number, name: string, start: number): Row => ({
      id,
      name,
      starttime: at(start),
      window_start: at(start),
      window_end: at(start + 10),
    });
    expectRows(q8(events), [row(1, 'Ann', 0), row(3, 'Cid', 10)]);
  });

  it('q11 counts bids per bidder session with a 10 s gap; sessions that touch merge', () => {
    const events = [
      bid(1, 1, 1, at(0)),
      bid(1, 2, 1, at(3)),
      bid(1, 1, 1, at(5)),
      bid(1, 1, 1, at(15)),
      bid(1, 1, 1, at(26)),
    ];
    const row = (bidder: number, count: number, start: number, last: number): Row => ({
      bidder,
      bid_count: count,
      starttime: at(start),
      endtime: at(last + 10),
      window_start: at(start),
      window_end: at(last + 10),
    });
    expectRows(q11(events), [row(1, 3, 0, 15), row(1, 1, 26, 26), row(2, 1, 3, 3)]);
  });

  it('accepts events up to 4 s out of order and rejects later ones, which Flink would drop', () => {
    const events = [bid(1, 1, 1, at(5)), bid(1, 1, 1, at(1)), bid(1, 1, 1, at(0.5))];
    expect(q11(events.slice(0, 2))).toHaveLength(1);
    for (const query of [q5, q7, q8, q11]) expect(() => query(events)).toThrow(/more than 4 s behind/);
  });
});

describe('row comparison', () => {
  it('ignores row and key order and counts duplicates', () => {
    const a: Row[] = [
      { x: 1, y: 'a' },
      { x: 1, y: 'a' },
      { x: 2, y: 'b' },
    ];
    const b: Row[] = [
      { y: 'b', x: 2 },
      { x: 1, y: 'a' },
    ];
    expect(canonicalRows(a.slice(1))).toEqual(canonicalRows(b));
    expect(diffRows(a, b)).toEqual({ missing: ['{"x":1,"y":"a"}'], unexpected: [] });
    expect(diffRows(b, a)).toEqual({ missing: [], unexpected: ['{"x":1,"y":"a"}'] });
  });
});

describe('Nexmark reference computations on generated events', () => {
  // 25 s of event time at the default 10,000 events/s: every query has matches.
  const events = generateEvents(250_000, { seed: 1 });

  it.each(NEXMARK_QUERIES)('%s produces rows with the query’s columns', (name) => {
    const rows = referenceQueries[name](events);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => Object.keys(r).join()))).toEqual(new Set([QUERY_COLUMNS[name].join()]));
  });

  it('q5, q7, q8 and q11 cover every window of the input', () => {
    const starts = (rows: readonly Row[]): Set<unknown> => new Set(rows.map((r) => r.window_start));
    expect(starts(q5(events)).size).toBe(17); // 25 s of hops by 2 s, reaching back 8 s
    expect(starts(q7(events)).size).toBe(3);
    expect(starts(q8(events)).size).toBe(3);
    const sessions = q11(events);
    expect(sessions.reduce((n, r) => n + r.bid_count, 0)).toBe(events.filter((e) => e.bid !== null).length);
  });
});
