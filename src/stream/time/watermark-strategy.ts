import { toMillis, type Duration } from '../core/duration.js';

/**
 * Generates watermarks for one source split from the records it reads. The runtime calls
 * `onEvent` for each record and `currentWatermark` after each batch.
 */
export interface WatermarkGenerator<T> {
  onEvent(value: T, timestamp: number): void;
  /** The split's watermark now: no later record is expected with a timestamp ≤ it. */
  currentWatermark(): number;
}

/**
 * How a source derives watermarks from its records, per split; the source's watermark is the
 * minimum over its splits that are not idle. Create one with {@link boundedOutOfOrderness},
 * {@link monotonousTimestamps}, {@link noWatermarks} or {@link customWatermarks}.
 *
 * @example
 * ```ts
 * const strategy: WatermarkStrategy<Reading> = boundedOutOfOrderness<Reading>('5s').withIdleness('1m');
 * env.fromSource(readings, { timestamps: (r) => r.ts, watermarks: strategy });
 * ```
 */
export class WatermarkStrategy<T = unknown> {
  private constructor(
    /** Built-in: `maxTimestamp - delay - 1`; custom: a generator; none: no watermarks until the end. */
    readonly kind: 'bounded' | 'custom' | 'none',
    readonly delayMs: number,
    readonly idleTimeoutMs: number | undefined,
    readonly createGenerator: (() => WatermarkGenerator<T>) | undefined,
  ) {}

  /** @internal */
  static create<T>(
    kind: 'bounded' | 'custom' | 'none',
    delayMs: number,
    create?: () => WatermarkGenerator<T>,
  ): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(kind, delayMs, undefined, create);
  }

  /**
   * Marks a split idle after `timeout` of processing time without records, so that it no
   * longer holds back the watermark; it becomes active again with its next record.
   *
   * @example
   * ```ts
   * boundedOutOfOrderness('5s').withIdleness('1m');
   * ```
   */
  withIdleness(timeout: Duration): WatermarkStrategy<T> {
    return new WatermarkStrategy(
      this.kind,
      this.delayMs,
      toMillis(timeout, 'idleness timeout'),
      this.createGenerator,
    );
  }
}

/**
 * Watermarks that trail the largest timestamp seen by `maxOutOfOrderness`: records up to that
 * much out of order are on time. The watermark is `max - maxOutOfOrderness - 1`.
 *
 * @example
 * ```ts
 * env.fromSource(source, { timestamps: (e) => e.time, watermarks: boundedOutOfOrderness('4s') });
 * ```
 */
export function boundedOutOfOrderness<T = unknown>(maxOutOfOrderness: Duration): WatermarkStrategy<T> {
  return WatermarkStrategy.create<T>('bounded', toMillis(maxOutOfOrderness, 'maxOutOfOrderness'));
}

/**
 * Watermarks for timestamps that never decrease within a split (bounded out-of-orderness 0).
 *
 * @example
 * ```ts
 * env.fromArray(events, { timestamps: (e) => e.time, watermarks: monotonousTimestamps() });
 * ```
 */
export function monotonousTimestamps<T = unknown>(): WatermarkStrategy<T> {
  return WatermarkStrategy.create<T>('bounded', 0);
}

/**
 * No watermarks: event time stands still until the input ends (then every window fires). For
 * processing-time jobs, or bounded inputs whose results are only wanted at the end.
 *
 * @example
 * ```ts
 * env.fromArray(events, { timestamps: (e) => e.time, watermarks: noWatermarks() });
 * ```
 */
export function noWatermarks<T = unknown>(): WatermarkStrategy<T> {
  return WatermarkStrategy.create<T>('none', 0);
}

/**
 * Your own generator per split (punctuated watermarks, per-key heuristics …).
 *
 * @example
 * ```ts
 * customWatermarks<Ev>(() => { let wm = -Infinity; return {
 *   onEvent: (e, ts) => { if (e.isMarker) wm = ts; }, currentWatermark: () => wm } });
 * ```
 */
export function customWatermarks<T>(create: () => WatermarkGenerator<T>): WatermarkStrategy<T> {
  return WatermarkStrategy.create<T>('custom', 0, create);
}
