import type { Collector } from '../operators/collector.js';

/**
 * A window of event (or processing) time, `[start, end)`. Results of a window carry the
 * timestamp `end - 1`, its last instant. Global windows are `[-∞, +∞)`; count windows span the
 * timestamps of their records, `[first, last + 1)`.
 */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** The default result of a window aggregation. */
export interface WindowResult<K, R> {
  readonly key: K;
  readonly start: number;
  readonly end: number;
  readonly value: R;
}

/** Turns a window's aggregate into output records (internal form of every window function). */
export type WindowEmitter<K, R, O> = (key: K, window: TimeWindow, result: R, out: Collector<O>) => void;

/** The window of all time (global windows). */
export const GLOBAL_WINDOW: TimeWindow = Object.freeze({ start: -Infinity, end: Infinity });
