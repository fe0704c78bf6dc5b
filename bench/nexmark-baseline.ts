/**
 * Hand-written baselines for the Nexmark queries: the fastest plain JavaScript we can write for
 * each query, over the same generated events the engine consumes (generation included), for the
 * benchmark to report the engine's figure beside. Each returns the row count and an
 * order-independent checksum of the rows it would emit (`nexmark-checksum.ts`), so a test can
 * hold it to the reference computation's answer.
 *
 * They are general loops, not tuned to the generator: state lives in `Map`s keyed by id, and the
 * only assumption is the one every streaming engine's watermark makes here — events arrive in
 * event-time order (the generator's do; an event older than its predecessor throws). Windows
 * fire as soon as time passes their end, and session state is swept as sessions close.
 */
import type { Bid, NexmarkEvent, NexmarkQuery } from '../src/stream/nexmark/index.js';
import type { BaselineResult } from './nexmark-checksum.js';
import { hashQ0, hashQ11, hashQ2, hashQ3, hashQ5, hashQ7, hashQ8 } from './nexmark-checksum.js';

export type { BaselineResult } from './nexmark-checksum.js';
export { checksumRows } from './nexmark-checksum.js';

/** Where a baseline reads events: a {@link NexmarkGenerator} or any array-backed stand-in. */
export interface EventBatchSource {
  /** Fills `out` with up to `max` events, sets its length and returns it; 0 at the end. */
  nextBatch(out: NexmarkEvent[], max: number): number;
}

/** One query's baseline. */
export type Baseline = (source: EventBatchSource) => BaselineResult;

const BATCH = 4096;
const SECOND = 1000;

function outOfOrder(time: number, previous: number): Error {
  return new Error(
    `baseline: event at ${time} after one at ${previous}; baselines need events in time order`,
  );
}

/** q0: pass bids through. */
function q0(source: EventBatchSource): BaselineResult {
  const batch: NexmarkEvent[] = [];
  let rows = 0;
  let checksum = 0;
  while (source.nextBatch(batch, BATCH) > 0) {
    for (const e of batch) {
      const b = e.bid;
      if (b === null) continue;
      checksum = (checksum + hashQ0(b.auction, b.bidder, b.price, b.dateTime, b.extra)) | 0;
      rows++;
    }
  }
  return { rows, checksum: checksum >>> 0 };
}

/** q1: bids with the price in euros (0.908 × price, three decimals). */
function q1(source: EventBatchSource): BaselineResult {
  const batch: NexmarkEvent[] = [];
  let rows = 0;
  let checksum = 0;
  while (source.nextBatch(batch, BATCH) > 0) {
    for (const e of batch) {
      const b = e.bid;
      if (b === null) continue;
      const euros = (b.price * 908) / 1000;
      checksum = (checksum + hashQ0(b.auction, b.bidder, Math.round(euros * 1000), b.dateTime, b.extra)) | 0;
      rows++;
    }
  }
  return { rows, checksum: checksum >>> 0 };
}

/** q2: bids on every 123rd auction. */
function q2(source: EventBatchSource): BaselineResult {
  const batch: NexmarkEvent[] = [];
  let rows = 0;
  let checksum = 0;
  while (source.nextBatch(batch, BATCH) > 0) {
    for (const e of batch) {
      const b = e.bid;
      if (b === null || b.auction % 123 !== 0) continue;
      checksum = (checksum + hashQ2(b.auction, b.price)) | 0;
      rows++;
    }
  }
  return { rows, checksum: checksum >>> 0 };
}

interface SellerColumns {
  readonly name: string;
  readonly city: string;
  readonly state: string;
}

/**
 * q3: category-10 auctions joined with sellers in OR, ID or CA. A person's id is a key, so an
 * auction waits only until its seller appears, and is dropped at once if the seller lives
 * elsewhere.
 */
function q3(source: EventBatchSource): BaselineResult {
  const batch: NexmarkEvent[] = [];
  // Every person seen: null when elsewhere, else the columns the query needs (not the Person,
  // whose padding would stay alive with it).
  const persons = new Map<number, SellerColumns | null>();
  const waiting = new Map<number, number[]>();
  let rows = 0;
  let checksum = 0;
  while (source.nextBatch(batch, BATCH) > 0) {
    for (const e of batch) {
      const a = e.auction;
      if (a !== null) {
        if (a.category !== 10) continue;
        const p = persons.get(a.seller);
        if (p === undefined) {
          const list = waiting.get(a.seller);
          if (list === undefined) waiting.set(a.seller, [a.id]);
          else list.push(a.id);
        } else if (p !== null) {
          checksum = (checksum + hashQ3(p.name, p.city, p.state, a.id)) | 0;
          rows++;
        }
        continue;
      }
      const p = e.person;
      if (p === null) continue;
      const state = p.state;
      const matches = state === 'OR' || state === 'ID' || state === 'CA';
      persons.set(p.id, matches ? { name: p.name, city: p.city, state } : null);
      const auctions = waiting.get(p.id);
      if (auctions === undefined) continue;
      waiting.delete(p.id);
      if (!matches) continue;
      for (const id of auctions) {
        checksum = (checksum + hashQ3(p.name, p.city, p.state, id)) | 0;
        rows++;
      }
    }
  }
  return { rows, checksum: checksum >>> 0 };
}

const Q5_SLIDE = 2 * SECOND;
const Q5_PANES = 5; // size 10 s / slide 2 s

/**
 * q5: hot items per HOP window (10 s, sliding by 2 s). Bids are counted per 2 s pane; the
 * window's counts are the sum of its five panes, kept incrementally: a pane is added when it
 * completes and subtracted when it leaves the window.
 */
function q5(source: EventBatchSource): BaselineResult {
  const batch: NexmarkEvent[] = [];
  let window = new Map<number, number>();
  // Completed panes still in the window, oldest first, with their start times.
  const panes: Map<number, number>[] = [];
  const paneStarts: number[] = [];
  let pane = new Map<number, number>();
  let paneStart = Number.NaN;
  let rows = 0;
  let checksum = 0;

  // Fires the window ending at `end`, whose panes are all in `window`.
  const fire = (end: number): void => {
    let max = 0;
    for (const count of window.values()) if (count > max) max = count;
    const start = end - Q5_PANES * Q5_SLIDE;
    for (const [auction, count] of window) {
      if (count === max) {
        checksum = (checksum + hashQ5(auction, count, start)) | 0;
        rows++;
      }
    }
  };
  // Completes the current pane and fires the windows ending before `nextPaneStart`.
  const advance = (nextPaneStart: number): void => {
    // Into an empty window, a native copy; otherwise entry by entry.
    if (window.size === 0) window = new Map(pane);
    else for (const [auction, count] of pane) window.set(auction, (window.get(auction) ?? 0) + count);
    panes.push(pane);
    paneStarts.push(paneStart);
    pane = new Map();
    for (let end = paneStart + Q5_SLIDE; end <= nextPaneStart && panes.length > 0; end += Q5_SLIDE) {
      fire(end);
      // The oldest pane leaves the window with the next slide.
      if (paneStarts[0]! <= end - Q5_PANES * Q5_SLIDE) {
        const old = panes.shift()!;
        paneStarts.shift();
        if (panes.length === 0) {
          window.clear();
          continue;
        }
        for (const [auction, count] of old) {
          const left = window.get(auction)! - count;
          if (left === 0) window.delete(auction);
          else window.set(auction, left);
        }
      }
    }
  };

  while (source.nextBatch(batch, BATCH) > 0) {
    for (const e of batch) {
      const b = e.bid;
      if (b === null) continue;
      const start = b.dateTime - (b.dateTime % Q5_SLIDE);
      if (start !== paneStart) {
        if (start < paneStart) throw outOfOrder(b.dateTime, paneStart);
        if (!Number.isNaN(paneStart)) advance(start);
        paneStart = start;
      }
      pane.set(b.auction, (pane.get(b.auction) ?? 0) + 1);
    }
  }
  if (!Number.isNaN(paneStart)) advance(Number.POSITIVE_INFINITY);
  return { rows, checksum: checksum >>> 0 };
}

const Q7_SIZE = 10 * SECOND;

/**
 * q7: bids at the highest price of their 10 s tumbling window. Per window, the highest price so
 * far and the bids at it; a bid exactly at a window's end also matches the window that just
 * closed when its price equals that window's highest (SQL's BETWEEN includes both ends).
 */
function q7(source: EventBatchSource): BaselineResult {
  const batch: NexmarkEvent[] = [];
  let windowStart = Number.NaN;
  let max = -1;
  let atMax: Bid[] = [];
  let closedStart = Number.NaN;
  let closedMax = -1;
  let rows = 0;
  let checksum = 0;
  const flush = (): void => {
    for (const b of atMax) {
      checksum = (checksum + hashQ7(b.auction, b.price, b.bidder, b.dateTime, windowStart)) | 0;
      rows++;
    }
  };
  while (source.nextBatch(batch, BATCH) > 0) {
    for (const e of batch) {
      const b = e.bid;
      if (b === null) continue;
      const t = b.dateTime;
      const start = t - (t % Q7_SIZE);
      if (start !== windowStart) {
        if (start < windowStart) throw outOfOrder(t, windowStart);
        if (!Number.isNaN(windowStart)) flush();
        closedStart = windowStart;
        closedMax = max;
        windowStart = start;
        max = -1;
        atMax = [];
      }
      if (t === start && b.price === closedMax && closedStart === start - Q7_SIZE) {
        checksum = (checksum + hashQ7(b.auction, b.price, b.bidder, b.dateTime, closedStart)) | 0;
        rows++;
      }
      if (b.price > max) {
        max = b.price;
        atMax = [b];
      } else if (b.price === max) {
        atMax.push(b);
      }
    }
  }
  if (!Number.isNaN(windowStart)) flush();
  return { rows, checksum: checksum >>> 0 };
}

const Q8_SIZE = 10 * SECOND;

/** q8: persons who created an auction in the 10 s tumbling window they registered in. */
function q8(source: EventBatchSource): BaselineResult {
  const batch: NexmarkEvent[] = [];
  let windowStart = Number.NaN;
  // The window's persons as parallel arrays: keeping the Person objects alive (with their
  // padding) until the window fires costs more in garbage collection than the query itself.
  let ids: number[] = [];
  let names: string[] = [];
  let sellers = new Set<number>();
  let rows = 0;
  let checksum = 0;
  const fire = (): void => {
    // Distinct (id, name): a person id is a key, so one row per registered person who sold.
    for (let i = 0; i < ids.length; i++) {
      if (sellers.has(ids[i]!)) {
        checksum = (checksum + hashQ8(ids[i]!, names[i]!, windowStart)) | 0;
        rows++;
      }
    }
  };
  while (source.nextBatch(batch, BATCH) > 0) {
    for (const e of batch) {
      const t =
        e.event_type === 2 ? e.bid.dateTime : e.event_type === 1 ? e.auction.dateTime : e.person.dateTime;
      const start = t - (t % Q8_SIZE);
      if (start !== windowStart) {
        if (start < windowStart) throw outOfOrder(t, windowStart);
        if (!Number.isNaN(windowStart)) fire();
        windowStart = start;
        ids = [];
        names = [];
        sellers = new Set();
      }
      if (e.auction !== null) {
        sellers.add(e.auction.seller);
      } else if (e.person !== null) {
        ids.push(e.person.id);
        names.push(e.person.name);
      }
    }
  }
  if (!Number.isNaN(windowStart)) fire();
  return { rows, checksum: checksum >>> 0 };
}

const Q11_GAP = 10 * SECOND;

interface Session {
  start: number;
  last: number;
  count: number;
}

/**
 * q11: bids per bidder session (gap 10 s; a bid at most 10 s after the session's last extends
 * it). Sessions that can no longer be extended are emitted and dropped every 10 s of event time.
 */
function q11(source: EventBatchSource): BaselineResult {
  const batch: NexmarkEvent[] = [];
  const sessions = new Map<number, Session>();
  let nextSweep = Number.NaN;
  let previous = -Infinity;
  let rows = 0;
  let checksum = 0;
  const emit = (bidder: number, s: Session): void => {
    checksum = (checksum + hashQ11(bidder, s.count, s.start, s.last + Q11_GAP)) | 0;
    rows++;
  };
  while (source.nextBatch(batch, BATCH) > 0) {
    for (const e of batch) {
      const b = e.bid;
      if (b === null) continue;
      const t = b.dateTime;
      if (t < previous) throw outOfOrder(t, previous);
      previous = t;
      if (!(t < nextSweep)) {
        // Sessions whose last bid is over 10 s old cannot grow any more.
        for (const [bidder, s] of sessions) {
          if (s.last + Q11_GAP < t) {
            emit(bidder, s);
            sessions.delete(bidder);
          }
        }
        nextSweep = t + Q11_GAP;
      }
      const s = sessions.get(b.bidder);
      if (s === undefined) {
        sessions.set(b.bidder, { start: t, last: t, count: 1 });
      } else if (t <= s.last + Q11_GAP) {
        s.last = t;
        s.count++;
      } else {
        emit(b.bidder, s);
        s.start = t;
        s.last = t;
        s.count = 1;
      }
    }
  }
  for (const [bidder, s] of sessions) emit(bidder, s);
  return { rows, checksum: checksum >>> 0 };
}

/** Every baseline by query name. */
export const baselines: Readonly<Record<NexmarkQuery, Baseline>> = { q0, q1, q2, q3, q5, q7, q8, q11 };

/**
 * Generation alone: draws every event and touches one field, the floor under every query's
 * figure.
 */
export function generationOnly(source: EventBatchSource): BaselineResult {
  const batch: NexmarkEvent[] = [];
  let rows = 0;
  let checksum = 0;
  while (source.nextBatch(batch, BATCH) > 0) {
    for (const e of batch) checksum = (checksum + e.event_type) | 0;
    rows += batch.length;
  }
  return { rows, checksum: checksum >>> 0 };
}
