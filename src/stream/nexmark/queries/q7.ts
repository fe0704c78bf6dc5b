import type { DataStream } from '../../api/streams.js';
import { valueState } from '../../state/state.js';
import type { Aggregator } from '../../windows/aggregator.js';
import { tumbling } from '../../windows/assigners.js';
import type { Bid, NexmarkEvent } from '../model.js';
import { bids } from './views.js';

/** A bid as q7 outputs it, in the SELECT list's order. */
interface Q7Bid {
  readonly auction: number;
  readonly price: number;
  readonly bidder: number;
  readonly dateTime: number;
  readonly extra: string;
}

/** A row of q7: a bid at its window's highest price, with the window. */
export interface Q7Row extends Q7Bid {
  readonly window_start: number;
  readonly window_end: number;
}

/** What a window keeps: its highest price, the bids at it, and the bids at its first instant. */
interface Highest {
  max: number;
  top: Q7Bid[];
  atStart: Q7Bid[];
}

/** One fired window. */
interface WindowHighest {
  readonly start: number;
  readonly end: number;
  readonly max: number;
  readonly top: readonly Q7Bid[];
  readonly atStart: readonly Q7Bid[];
}

const SIZE_MS = 10_000;

const project = (b: Bid): Q7Bid => ({
  auction: b.auction,
  price: b.price,
  bidder: b.bidder,
  dateTime: b.dateTime,
  extra: b.extra,
});

function isWindowStart(time: number): boolean {
  // Tumbling windows are aligned to the epoch.
  return time % SIZE_MS === 0;
}

/** Bids are projected only when kept (at the maximum so far, or at the window's start). */
const highest: Aggregator<Bid, Highest, Highest> = {
  create: () => ({ max: -Infinity, top: [], atStart: [] }),
  add(acc, b) {
    if (b.price > acc.max) {
      acc.max = b.price;
      acc.top = [project(b)];
    } else if (b.price === acc.max) {
      acc.top.push(project(b));
    }
    if (isWindowStart(b.dateTime)) acc.atStart.push(project(b));
    return acc;
  },
  merge(a, b) {
    if (b.max > a.max) {
      a.max = b.max;
      a.top = b.top.slice();
    } else if (b.max === a.max) {
      for (const x of b.top) a.top.push(x);
    }
    for (const x of b.atStart) a.atStart.push(x);
    return a;
  },
  result: (acc) => acc,
};

/**
 * Nexmark q7, highest bid: the bids at the highest price of each 10 s tumbling window, with
 * `dateTime BETWEEN window_end - 10 s AND window_end`. Both bounds are inclusive, so a bid at
 * exactly a window's end (the next window's first instant) also matches the window before when
 * its price is that window's maximum. One window over all bids keeps the maximum, the bids at
 * it and the bids at the window's first instant; a keyed process that remembers the previous
 * window's end and maximum matches those first-instant bids against it. Windows fire in time
 * order, so the previous window has always been seen.
 *
 * @example
 * ```ts
 * q7(nexmarkEvents(env, { events: 1_000_000 })).print();
 * ```
 */
export function q7(events: DataStream<NexmarkEvent>): DataStream<Q7Row> {
  const state = { previous: valueState<{ end: number; max: number }>() };
  return bids(events)
    .windowAll(tumbling(SIZE_MS))
    .aggregate(
      highest,
      (_k, w, h): WindowHighest => ({
        start: w.start,
        end: w.end,
        max: h.max,
        top: h.top,
        atStart: h.atStart,
      }),
      { uid: 'q7-highest', name: 'q7-highest' },
    )
    .keyBy(() => 0)
    .process<Q7Row, typeof state>(
      {
        state,
        processElement(w, ctx) {
          for (const b of w.top) ctx.emit({ ...b, window_start: w.start, window_end: w.end });
          const previous = ctx.state.previous.value();
          if (previous?.end === w.start) {
            for (const b of w.atStart) {
              if (b.price === previous.max) {
                ctx.emit({ ...b, window_start: previous.end - SIZE_MS, window_end: previous.end });
              }
            }
          }
          ctx.state.previous.update({ end: w.end, max: w.max });
        },
      },
      { uid: 'q7-join', name: 'q7-join' },
    );
}
