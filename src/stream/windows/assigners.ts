import { toMillis, toPositiveMillis, type Duration } from '../core/duration.js';
import { configError } from '../core/errors.js';

/** Which clock a window follows. */
export type TimeDomain = 'event' | 'processing';

/** Options of time windows. */
export interface TimeWindowOptions {
  /**
   * Allowed lateness: after a window fired, records up to this late (by the watermark) still
   * update it and make it fire again; later ones go to the late side output (or are dropped).
   */
  readonly grace?: Duration;
  /** Event time (default) or processing time. */
  readonly time?: TimeDomain;
}

/** Options of tumbling and sliding windows. */
export interface AlignedWindowOptions extends TimeWindowOptions {
  /** Shifts window boundaries from multiples of the size (or slide), e.g. for time zones. */
  readonly offset?: Duration;
}

/** Fixed-size, non-overlapping windows. */
export interface TumblingAssigner {
  readonly kind: 'tumbling';
  readonly size: number;
  readonly offset: number;
  readonly lateness: number;
  readonly time: TimeDomain;
}

/** Fixed-size windows starting every `slide`; a record belongs to `size / slide` of them. */
export interface SlidingAssigner {
  readonly kind: 'sliding';
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
  readonly lateness: number;
  readonly time: TimeDomain;
}

/** Per-key windows of activity separated by at least `gap` of inactivity. */
export interface SessionAssigner {
  readonly kind: 'session';
  readonly gap: number;
  readonly lateness: number;
  readonly time: TimeDomain;
}

/** One window per key over all time; fires only through a trigger. */
export interface GlobalAssigner {
  readonly kind: 'global';
}

/** Windows of `size` records per key, starting every `slide` records. */
export interface CountAssigner {
  readonly kind: 'count';
  readonly size: number;
  readonly slide: number;
}

/** How records are grouped into windows. */
export type WindowAssigner =
  TumblingAssigner | SlidingAssigner | SessionAssigner | GlobalAssigner | CountAssigner;

function common(options: TimeWindowOptions | undefined): { lateness: number; time: TimeDomain } {
  const time: unknown = options?.time ?? 'event';
  if (time !== 'event' && time !== 'processing') {
    throw configError(`window time: '${String(time)}' must be 'event' or 'processing'`);
  }
  return { lateness: toMillis(options?.grace ?? 0, 'window grace'), time };
}

/**
 * Tumbling windows of `size`: `[0, size)`, `[size, 2·size)`, … (shifted by `offset`).
 *
 * @example
 * ```ts
 * keyed.window(tumbling('1m', { grace: '10s' })).aggregate(sum((x) => x.v));
 * ```
 */
export function tumbling(size: Duration, options?: AlignedWindowOptions): TumblingAssigner {
  const s = toPositiveMillis(size, 'tumbling window size');
  const offset = toMillis(options?.offset ?? 0, 'window offset') % s;
  return { kind: 'tumbling', size: s, offset, ...common(options) };
}

/**
 * Sliding (hopping) windows of `size` every `slide`. Records are aggregated once into slices of
 * gcd(size, slide); each window merges its slices when it fires.
 *
 * @example
 * ```ts
 * // Flink SQL's HOP(ts, INTERVAL '5' SECOND, INTERVAL '30' SECOND)
 * keyed.window(sliding('30s', '5s')).aggregate(count());
 * ```
 */
export function sliding(size: Duration, slide: Duration, options?: AlignedWindowOptions): SlidingAssigner {
  const s = toPositiveMillis(size, 'sliding window size');
  const sl = toPositiveMillis(slide, 'sliding window slide');
  if (sl > s) throw configError(`sliding window slide: ${sl} ms must not exceed the size (${s} ms)`);
  const offset = toMillis(options?.offset ?? 0, 'window offset') % sl;
  return { kind: 'sliding', size: s, slide: sl, offset, ...common(options) };
}

/**
 * Session windows: a key's records closer than `gap` to each other form one window
 * `[first, last + gap)`; windows that overlap or touch merge, as Flink's do.
 *
 * @example
 * ```ts
 * clicks.keyBy((c) => c.user).window(session('30m')).aggregate(count());
 * ```
 */
export function session(gap: Duration, options?: TimeWindowOptions): SessionAssigner {
  return { kind: 'session', gap: toPositiveMillis(gap, 'session gap'), ...common(options) };
}

/**
 * A single window per key over all time. Give it a trigger, or it never fires.
 *
 * @example
 * ```ts
 * keyed.window(globalWindow()).trigger(purging(countTrigger(100))).aggregate(avg((r) => r.v));
 * ```
 */
export function globalWindow(): GlobalAssigner {
  return { kind: 'global' };
}

/**
 * Count windows: every `slide` records of a key (default: `size`, tumbling), a window over the
 * key's last `size` records.
 *
 * @example
 * ```ts
 * readings.keyBy((r) => r.sensor).window(countWindow(10, 5)).aggregate(avg((r) => r.v));
 * ```
 */
export function countWindow(size: number, slide: number = size): CountAssigner {
  if (!Number.isInteger(size) || size < 1)
    throw configError(`countWindow size: ${size} must be a positive integer`);
  if (!Number.isInteger(slide) || slide < 1 || slide > size) {
    throw configError(`countWindow slide: ${slide} must be an integer in [1, ${size}]`);
  }
  return { kind: 'count', size, slide };
}

/** Greatest common divisor (slice size of sliding windows). */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The start of the window of `size` (aligned to `offset`) containing `timestamp`. */
export function windowStart(timestamp: number, size: number, offset: number): number {
  return timestamp - ((((timestamp - offset) % size) + size) % size);
}
