import type { Sink } from './sink.js';

/** Counts what {@link blackholeSink} discarded. */
export interface BlackholeSink<T> extends Sink<T> {
  /** Records received so far. */
  readonly count: number;
}

/**
 * Discards every record (benchmarks), counting them.
 *
 * @example
 * ```ts
 * const sink = blackholeSink<Bid>(); bids.sinkTo(sink); await env.execute(); sink.count;
 * ```
 */
export function blackholeSink<T>(): BlackholeSink<T> {
  const sink = {
    count: 0,
    open: () => ({
      write: (values: readonly T[]) => {
        sink.count += values.length;
      },
      close: () => undefined,
    }),
  };
  return sink;
}
