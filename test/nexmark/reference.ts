/**
 * Independent reference computations of the Nexmark queries we run (q0, q1, q2, q3, q5, q7, q8,
 * q11): plain TypeScript over the events, no engine code, with Flink's semantics on bounded input
 * as the SQL files in `../shared/nexmark/queries` define them. Every window fires at the end of
 * the input.
 *
 * Output rows have the columns of `QUERY_COLUMNS` (src/stream/nexmark/queries.ts): the SELECT
 * list, plus `window_start` and `window_end` for the windowed queries (q5, q7, q8, q11).
 * TIMESTAMPs are epoch-ms numbers; q1's DECIMAL(23, 3) price is a number with at most three
 * decimals. Rows come in no particular order: compare them with {@link diffRows} or
 * {@link canonicalRows}.
 *
 * Exactness: Flink drops a record that arrives behind the watermark (`dateTime - 4 s`, the
 * maximum seen so far minus four seconds). The computations reject input in which some event is
 * more than four seconds older than an event before it, so that nothing would have been late;
 * generated events are in time order.
 */
import type { Auction, Bid, NexmarkEvent, NexmarkQuery, Person } from '../../src/stream/nexmark/index.js';
import { eventTime } from '../../src/stream/nexmark/index.js';

/** One output row: column name → number or string. */
export type Row = Readonly<Record<string, number | string>>;

/** q0 (pass-through) and q1 (price in euros, DECIMAL(23, 3)). */
export type Q0Row = {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly dateTime: number;
  readonly extra: string;
};
export type Q1Row = Q0Row;
export type Q2Row = {
  readonly auction: number;
  readonly price: number;
};
export type Q3Row = {
  readonly name: string;
  readonly city: string;
  readonly state: string;
  readonly id: number;
};
type WindowColumns = {
  readonly window_start: number;
  readonly window_end: number;
};
export type Q5Row = WindowColumns & {
  readonly auction: number;
  readonly num: number;
};
export type Q7Row = WindowColumns & {
  readonly auction: number;
  readonly price: number;
  readonly bidder: number;
  readonly dateTime: number;
  readonly extra: string;
};
export type Q8Row = WindowColumns & {
  readonly id: number;
  readonly name: string;
  readonly starttime: number;
};
export type Q11Row = WindowColumns & {
  readonly bidder: number;
  readonly bid_count: number;
  readonly starttime: number;
  readonly endtime: number;
};

const SECOND = 1000;
/** The watermark's delay in `ddl_gen.sql`. */
const WATERMARK_DELAY = 4 * SECOND;

/** Throws unless every event is at most the watermark delay older than the newest before it. */
function checkNothingLate(events: readonly NexmarkEvent[]): void {
  let newest = -Infinity;
  events.forEach((event, i) => {
    const time = eventTime(event);
    if (time < newest - WATERMARK_DELAY) {
      throw new Error(
        `reference: event ${i} at ${time} is more than 4 s behind ${newest}; Flink would drop it as late, ` +
          'and these computations do not model lateness',
      );
    }
    newest = Math.max(newest, time);
  });
}

const bidsOf = (events: readonly NexmarkEvent[]): Bid[] => events.flatMap((e) => e.bid ?? []);
const auctionsOf = (events: readonly NexmarkEvent[]): Auction[] => events.flatMap((e) => e.auction ?? []);
const personsOf = (events: readonly NexmarkEvent[]): Person[] => events.flatMap((e) => e.person ?? []);

/** Start of the window of `size` (aligned to the epoch) or of the hop of `slide` containing `time`. */
function alignDown(time: number, step: number): number {
  return time - (((time % step) + step) % step);
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** q0: `SELECT auction, bidder, price, dateTime, extra FROM bid`. */
export function q0(events: readonly NexmarkEvent[]): Q0Row[] {
  return bidsOf(events).map((b) => ({
    auction: b.auction,
    bidder: b.bidder,
    price: b.price,
    dateTime: b.dateTime,
    extra: b.extra,
  }));
}

/** q1: q0 with `0.908 * price` (exact: an integer times 908, over 1000). */
export function q1(events: readonly NexmarkEvent[]): Q1Row[] {
  return bidsOf(events).map((b) => ({
    auction: b.auction,
    bidder: b.bidder,
    price: (b.price * 908) / 1000,
    dateTime: b.dateTime,
    extra: b.extra,
  }));
}

/** q2: `SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0`. */
export function q2(events: readonly NexmarkEvent[]): Q2Row[] {
  return bidsOf(events)
    .filter((b) => b.auction % 123 === 0)
    .map((b) => ({ auction: b.auction, price: b.price }));
}

const Q3_STATES = new Set(['OR', 'ID', 'CA']);

/**
 * q3: auctions in category 10 joined with their sellers living in OR, ID or CA — a regular
 * (unbounded) inner join, so on bounded input every matching pair, whichever came first.
 */
export function q3(events: readonly NexmarkEvent[]): Q3Row[] {
  const sellers = new Map<number, Person[]>();
  for (const p of personsOf(events)) {
    if (Q3_STATES.has(p.state)) getOrCreate(sellers, p.id, () => []).push(p);
  }
  const rows: Q3Row[] = [];
  for (const a of auctionsOf(events)) {
    if (a.category !== 10) continue;
    for (const p of sellers.get(a.seller) ?? [])
      rows.push({ name: p.name, city: p.city, state: p.state, id: a.id });
  }
  return rows;
}

const Q5_SLIDE = 2 * SECOND;
const Q5_SIZE = 10 * SECOND;

/**
 * q5: per HOP window (slide 2 s, size 10 s), the auctions with the most bids (all of them on a
 * tie): count per (auction, window), the maximum count per window, joined on `num >= maxn`.
 */
export function q5(events: readonly NexmarkEvent[]): Q5Row[] {
  checkNothingLate(events);
  const counts = new Map<number, Map<number, number>>();
  for (const b of bidsOf(events)) {
    for (let start = alignDown(b.dateTime, Q5_SLIDE); start > b.dateTime - Q5_SIZE; start -= Q5_SLIDE) {
      const window = getOrCreate(counts, start, () => new Map<number, number>());
      window.set(b.auction, (window.get(b.auction) ?? 0) + 1);
    }
  }
  const rows: Q5Row[] = [];
  for (const [start, window] of counts) {
    const max = Math.max(...window.values());
    for (const [auction, num] of window) {
      if (num >= max) rows.push({ auction, num, window_start: start, window_end: start + Q5_SIZE });
    }
  }
  return rows;
}

const Q7_SIZE = 10 * SECOND;

/**
 * q7: bids whose price equals the highest price of a 10 s tumbling window and whose time lies
 * in `[window_end - 10 s, window_end]` — both bounds inclusive, so a bid exactly at a window's
 * end is also checked against the window before its own.
 */
export function q7(events: readonly NexmarkEvent[]): Q7Row[] {
  checkNothingLate(events);
  const bids = bidsOf(events);
  const maxPrice = new Map<number, number>();
  for (const b of bids) {
    const start = alignDown(b.dateTime, Q7_SIZE);
    maxPrice.set(start, Math.max(maxPrice.get(start) ?? -Infinity, b.price));
  }
  const rows: Q7Row[] = [];
  for (const b of bids) {
    const own = alignDown(b.dateTime, Q7_SIZE);
    const starts = b.dateTime === own ? [own - Q7_SIZE, own] : [own];
    for (const start of starts) {
      if (maxPrice.get(start) !== b.price) continue;
      rows.push({
        auction: b.auction,
        price: b.price,
        bidder: b.bidder,
        dateTime: b.dateTime,
        extra: b.extra,
        window_start: start,
        window_end: start + Q7_SIZE,
      });
    }
  }
  return rows;
}

const Q8_SIZE = 10 * SECOND;

/**
 * q8: persons who registered and created an auction in the same 10 s tumbling window: distinct
 * (id, name) per window joined with distinct sellers per window.
 */
export function q8(events: readonly NexmarkEvent[]): Q8Row[] {
  checkNothingLate(events);
  const people = new Map<number, Map<string, { id: number; name: string }>>();
  for (const p of personsOf(events)) {
    const window = getOrCreate(people, alignDown(p.dateTime, Q8_SIZE), () => new Map());
    window.set(`${p.id}\u0000${p.name}`, { id: p.id, name: p.name });
  }
  const sellers = new Map<number, Set<number>>();
  for (const a of auctionsOf(events)) {
    getOrCreate(sellers, alignDown(a.dateTime, Q8_SIZE), () => new Set<number>()).add(a.seller);
  }
  const rows: Q8Row[] = [];
  for (const [start, window] of people) {
    const windowSellers = sellers.get(start);
    if (windowSellers === undefined) continue;
    for (const { id, name } of window.values()) {
      if (windowSellers.has(id)) {
        rows.push({ id, name, starttime: start, window_start: start, window_end: start + Q8_SIZE });
      }
    }
  }
  return rows;
}

const Q11_GAP = 10 * SECOND;

/**
 * q11: bids per bidder per session window with a 10 s gap. A bid opens the window
 * `[dateTime, dateTime + 10 s)`; windows that overlap or touch merge (Flink's
 * `TimeWindow.intersects`), so a bid joins a session when it is at most 10 s after the
 * session's last bid. `endtime` is the last bid's time plus the gap.
 */
export function q11(events: readonly NexmarkEvent[]): Q11Row[] {
  checkNothingLate(events);
  const times = new Map<number, number[]>();
  for (const b of bidsOf(events)) getOrCreate(times, b.bidder, () => []).push(b.dateTime);
  const rows: Q11Row[] = [];
  const emit = (bidder: number, start: number, last: number, count: number): void => {
    const end = last + Q11_GAP;
    rows.push({
      bidder,
      bid_count: count,
      starttime: start,
      endtime: end,
      window_start: start,
      window_end: end,
    });
  };
  for (const [bidder, bidderTimes] of times) {
    bidderTimes.sort((x, y) => x - y);
    let start = bidderTimes[0]!;
    let last = start;
    let count = 0;
    for (const time of bidderTimes) {
      if (time > last + Q11_GAP) {
        emit(bidder, start, last, count);
        start = time;
        count = 0;
      }
      last = time;
      count++;
    }
    emit(bidder, start, last, count);
  }
  return rows;
}

/** Every reference computation by query name. */
export const referenceQueries: Readonly<Record<NexmarkQuery, (events: readonly NexmarkEvent[]) => Row[]>> = {
  q0,
  q1,
  q2,
  q3,
  q5,
  q7,
  q8,
  q11,
};

/** A row as JSON with its keys sorted: equal rows give equal strings whatever their key order. */
export function canonicalRow(row: Row): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  );
}

/** The rows as sorted canonical JSON strings: two results are equal as multisets iff these are. */
export function canonicalRows(rows: readonly Row[]): string[] {
  return rows.map(canonicalRow).sort();
}

/**
 * The multiset difference of two results: rows `expected` has more often than `actual`
 * (`missing`) and the reverse (`unexpected`), as canonical JSON strings.
 */
export function diffRows(
  expected: readonly Row[],
  actual: readonly Row[],
): { missing: string[]; unexpected: string[] } {
  const balance = new Map<string, number>();
  for (const row of expected) {
    const key = canonicalRow(row);
    balance.set(key, (balance.get(key) ?? 0) + 1);
  }
  for (const row of actual) {
    const key = canonicalRow(row);
    balance.set(key, (balance.get(key) ?? 0) - 1);
  }
  const missing: string[] = [];
  const unexpected: string[] = [];
  for (const [key, count] of balance) {
    for (let i = 0; i < count; i++) missing.push(key);
    for (let i = 0; i > count; i--) unexpected.push(key);
  }
  return { missing, unexpected };
}
