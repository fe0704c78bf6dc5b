import type { DataStream } from '../../api/streams.js';
import type { NexmarkEvent } from '../model.js';
import type { BidRow } from './q0.js';

/**
 * Nexmark q1, currency conversion: q0 with `0.908 * price AS price`, a DECIMAL(23, 3). Prices are
 * integers, so `price * 908 / 1000` is exact before the division, and the division gives the
 * double nearest the decimal: it prints with at most three decimals.
 *
 * @example
 * ```ts
 * q1(nexmarkEvents(env, { events: 1_000_000 })).sinkTo(jsonLinesSink({ file: 'q1.jsonl' }));
 * ```
 */
export function q1(events: DataStream<NexmarkEvent>): DataStream<BidRow> {
  return events
    .flatMap<BidRow>((e, out) => {
      const b = e.bid;
      if (b !== null) {
        out.collect({
          auction: b.auction,
          bidder: b.bidder,
          price: (b.price * 908) / 1000,
          dateTime: b.dateTime,
          extra: b.extra,
        });
      }
    })
    .name('q1');
}
