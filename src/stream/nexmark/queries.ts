/**
 * The Nexmark queries Rivulet runs and the columns of their output rows: named after each query's
 * SELECT list in `../shared/nexmark/queries/qN.sql`, in order, with `window_start` and
 * `window_end` added for the windowed queries. TIMESTAMP columns are epoch-ms numbers, and q1's
 * DECIMAL(23, 3) price a number with at most three decimals.
 */

/** The queries we run, in benchmark order. */
export const NEXMARK_QUERIES = ['q0', 'q1', 'q2', 'q3', 'q5', 'q7', 'q8', 'q11'] as const;
/** One of {@link NEXMARK_QUERIES}. */
export type NexmarkQuery = (typeof NEXMARK_QUERIES)[number];

/** True when `name` is one of {@link NEXMARK_QUERIES}. */
export function isNexmarkQuery(name: string): name is NexmarkQuery {
  return (NEXMARK_QUERIES as readonly string[]).includes(name);
}

/**
 * Output columns per query. q7's SELECT list is `auction, price, bidder, dateTime, extra` (its sink
 * table names the second and third columns the other way round; we follow the SELECT list); q8's
 * `starttime` is P.starttime (the sink calls it `stime`). For q7 the window is the tumbling window
 * whose highest price the bid matched; for q11 it is the session.
 */
export const QUERY_COLUMNS: Readonly<Record<NexmarkQuery, readonly string[]>> = {
  q0: ['auction', 'bidder', 'price', 'dateTime', 'extra'],
  q1: ['auction', 'bidder', 'price', 'dateTime', 'extra'],
  q2: ['auction', 'price'],
  q3: ['name', 'city', 'state', 'id'],
  q5: ['auction', 'num', 'window_start', 'window_end'],
  q7: ['auction', 'price', 'bidder', 'dateTime', 'extra', 'window_start', 'window_end'],
  q8: ['id', 'name', 'starttime', 'window_start', 'window_end'],
  q11: ['bidder', 'bid_count', 'starttime', 'endtime', 'window_start', 'window_end'],
};
