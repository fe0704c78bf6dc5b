import type { DataStream } from '../../api/streams.js';
import type { NexmarkEvent } from '../model.js';

/** A row of q2. */
export interface Q2Row {
  readonly auction: number;
  readonly price: number;
}

/**
 * Nexmark q2, selection: `SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0`.
 *
 * @example
 * ```ts
 * q2(nexmarkEvents(env, { events: 1_000_000 })).print();
 * ```
 */
export function q2(events: DataStream<NexmarkEvent>): DataStream<Q2Row> {
  return events
    .flatMap<Q2Row>((e, out) => {
      const b = e.bid;
      if (b !== null && b.auction % 123 === 0) out.collect({ auction: b.auction, price: b.price });
    })
    .name('q2');
}
