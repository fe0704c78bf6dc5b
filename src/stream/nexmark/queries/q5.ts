import type { DataStream } from '../../api/streams.js';
import { argMax, count } from '../../windows/aggregators.js';
import { sliding, tumbling } from '../../windows/assigners.js';
import type { NexmarkEvent } from '../model.js';
import { bids } from './views.js';

/** A row of q5. */
export interface Q5Row {
  readonly auction: number;
  readonly num: number;
  readonly window_start: number;
  readonly window_end: number;
}

const SIZE = '10s';
const SLIDE = '2s';

/**
 * Nexmark q5, hot items: per HOP window (10 s, sliding by 2 s) the auctions with the most bids,
 * every one of them on a tie. The SQL joins the counts per (auction, window) with the maximum
 * count per window on `num >= maxn`; here the counts (sliding windows over shared 2 s slices)
 * are re-keyed by their window and the window's rows at the maximum kept with `argMax`. A
 * count carries its window's last instant as timestamp, so a 2 s tumbling window over the
 * counts holds exactly one sliding window's counts and fires as soon as they are all there.
 *
 * @example
 * ```ts
 * q5(nexmarkEvents(env, { events: 1_000_000 })).print();
 * ```
 */
export function q5(events: DataStream<NexmarkEvent>): DataStream<Q5Row> {
  return bids(events)
    .keyBy((b) => b.auction)
    .window(sliding(SIZE, SLIDE))
    .aggregate(
      count(),
      (auction, w, num): Q5Row => ({ auction, num, window_start: w.start, window_end: w.end }),
      { uid: 'q5-counts', name: 'q5-counts' },
    )
    .keyBy((row) => row.window_end)
    .window(tumbling(SLIDE))
    .aggregate(
      argMax((row: Q5Row) => row.num),
      (_end, _w, top) => top,
      { uid: 'q5-hottest', name: 'q5-hottest' },
    )
    .flatMap<Q5Row>((top) => top)
    .name('q5');
}
