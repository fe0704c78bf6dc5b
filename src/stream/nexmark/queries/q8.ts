import type { DataStream } from '../../api/streams.js';
import type { Aggregator } from '../../windows/aggregator.js';
import { tumbling } from '../../windows/assigners.js';
import type { AuctionEvent, NexmarkEvent, PersonEvent } from '../model.js';

/** A row of q8. */
export interface Q8Row {
  readonly id: number;
  readonly name: string;
  /** The window's start (P.starttime). */
  readonly starttime: number;
  readonly window_start: number;
  readonly window_end: number;
}

/** Per id and window: the distinct names of persons with that id, and whether one sold. */
interface PersonAndSales {
  names: string[];
  sold: boolean;
}

const registeredAndSold: Aggregator<PersonEvent | AuctionEvent, PersonAndSales, PersonAndSales> = {
  create: () => ({ names: [], sold: false }),
  add(acc, e) {
    if (e.event_type === 0) {
      if (!acc.names.includes(e.person.name)) acc.names.push(e.person.name);
    } else {
      acc.sold = true;
    }
    return acc;
  },
  merge(a, b) {
    for (const name of b.names) if (!a.names.includes(name)) a.names.push(name);
    a.sold ||= b.sold;
    return a;
  },
  result: (acc) => acc,
};

const NONE: readonly Q8Row[] = [];

/**
 * Nexmark q8, monitor new users: persons who registered and created an auction in the same
 * 10 s tumbling window. The SQL joins distinct (id, name) per window with distinct sellers per
 * window on id = seller and the same window: both sides are grouped by the same key (person id
 * = seller) and window, so one tumbling window over persons and auctions keyed by that id
 * computes the join, keeping per key and window only the distinct names and whether the
 * person sold (not the records).
 *
 * @example
 * ```ts
 * q8(nexmarkEvents(env, { events: 1_000_000 })).print();
 * ```
 */
export function q8(events: DataStream<NexmarkEvent>): DataStream<Q8Row> {
  return events
    .filter((e): e is PersonEvent | AuctionEvent => e.event_type !== 2)
    .name('person-or-auction')
    .keyBy((e) => (e.event_type === 0 ? e.person.id : e.auction.seller))
    .window(tumbling('10s'))
    .aggregate(
      registeredAndSold,
      (id, w, acc): readonly Q8Row[] =>
        acc.sold && acc.names.length > 0
          ? acc.names.map((name) => ({
              id,
              name,
              starttime: w.start,
              window_start: w.start,
              window_end: w.end,
            }))
          : NONE,
      { uid: 'q8-window', name: 'q8-window' },
    )
    .flatMap<Q8Row>((rows) => rows)
    .name('q8');
}
