import type { DataStream } from '../../api/streams.js';
import type { Bid, NexmarkEvent } from '../model.js';

/**
 * The `bid` view of `ddl_views.sql`: the bids of the event stream, the objects themselves (no
 * copy), with their event timestamps.
 *
 * @example
 * ```ts
 * bids(nexmarkEvents(env, { events: 1000 })).keyBy((b) => b.auction);
 * ```
 */
export function bids(events: DataStream<NexmarkEvent>): DataStream<Bid> {
  return events
    .flatMap<Bid>((e, out) => {
      if (e.bid !== null) out.collect(e.bid);
    })
    .name('bid');
}
