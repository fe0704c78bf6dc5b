import type { DataStream } from '../../api/streams.js';
import { count } from '../../windows/aggregators.js';
import { session } from '../../windows/assigners.js';
import type { NexmarkEvent } from '../model.js';
import { bids } from './views.js';

/** A row of q11: one bidder's session. */
export interface Q11Row {
  readonly bidder: number;
  readonly bid_count: number;
  /** SESSION_START: the first bid's time. */
  readonly starttime: number;
  /** SESSION_END: the last bid's time plus the gap. */
  readonly endtime: number;
  readonly window_start: number;
  readonly window_end: number;
}

/**
 * Nexmark q11, user sessions: bids per bidder per session window with a 10 s gap. Sessions that
 * overlap or touch merge, as Flink's do, so a bid at most 10 s after a session's last bid joins it.
 *
 * @example
 * ```ts
 * q11(nexmarkEvents(env, { events: 1_000_000 })).print();
 * ```
 */
export function q11(events: DataStream<NexmarkEvent>): DataStream<Q11Row> {
  return bids(events)
    .keyBy((b) => b.bidder)
    .window(session('10s'))
    .aggregate(
      count(),
      (bidder, w, n): Q11Row => ({
        bidder,
        bid_count: n,
        starttime: w.start,
        endtime: w.end,
        window_start: w.start,
        window_end: w.end,
      }),
      { uid: 'q11-sessions', name: 'q11-sessions' },
    );
}
