import type { DataStream } from '../../api/streams.js';
import type { NexmarkEvent } from '../model.js';

/** A row of q0 and q1: `auction, bidder, price, dateTime, extra`. */
export interface BidRow {
  readonly auction: number;
  readonly bidder: number;
  /** Cents (q0); euros, DECIMAL(23, 3), at most three decimals (q1). */
  readonly price: number;
  /** Epoch ms. */
  readonly dateTime: number;
  readonly extra: string;
}

/**
 * Nexmark q0, pass-through: `SELECT auction, bidder, price, dateTime, extra FROM bid`. One pass:
 * the view's filter and the projection in one flatMap.
 *
 * @example
 * ```ts
 * q0(nexmarkEvents(env, { events: 1_000_000 })).sinkTo(blackholeSink());
 * ```
 */
export function q0(events: DataStream<NexmarkEvent>): DataStream<BidRow> {
  return events
    .flatMap<BidRow>((e, out) => {
      const b = e.bid;
      if (b !== null) {
        out.collect({
          auction: b.auction,
          bidder: b.bidder,
          price: b.price,
          dateTime: b.dateTime,
          extra: b.extra,
        });
      }
    })
    .name('q0');
}
