import { toPositiveMillis, type Duration } from '../core/duration.js';
import { configError } from '../core/errors.js';
import type { TimeWindow } from './window.js';

/**
 * What a trigger decides: keep going, emit the window's current result (`fire`), drop its
 * contents (`purge`), or both.
 */
export type TriggerResult = 'continue' | 'fire' | 'purge' | 'fireAndPurge';

/** Timers and clocks of the window a trigger is deciding for. */
export interface TriggerContext {
  readonly currentWatermark: number;
  readonly currentProcessingTime: number;
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
}

/**
 * Decides when a window emits. A trigger keeps per-window state `S` (a mutable object it creates
 * with `createState`; checkpointed, so plain data), and reacts to records and to the timers it
 * registered. Merging windows (sessions) need `mergeState`.
 *
 * @example
 * ```ts
 * // Fire every 100 records, and at the end of the window.
 * const everyHundred: Trigger<unknown, { n: number }> = {
 *   createState: () => ({ n: 0 }),
 *   onElement: (_v, _t, w, s, ctx) => { ctx.registerEventTimeTimer(w.end - 1); return ++s.n % 100 === 0 ? 'fire' : 'continue'; },
 *   onEventTime: (t, w) => (t === w.end - 1 ? 'fire' : 'continue'),
 *   onProcessingTime: () => 'continue',
 *   mergeState: (a, b) => ({ n: a.n + b.n }),
 *   clear: (w, _s, ctx) => ctx.deleteEventTimeTimer(w.end - 1),
 * };
 * ```
 */
export interface Trigger<T, S = unknown> {
  createState(): S;
  onElement(value: T, timestamp: number, window: TimeWindow, state: S, ctx: TriggerContext): TriggerResult;
  onEventTime(time: number, window: TimeWindow, state: S, ctx: TriggerContext): TriggerResult;
  onProcessingTime(time: number, window: TimeWindow, state: S, ctx: TriggerContext): TriggerResult;
  /** Combines the states of windows that merge (sessions); without it the trigger cannot merge. */
  mergeState?(a: S, b: S): S;
  /** Called on the merged window after a merge (re-register timers for its new end). */
  onMerge?(window: TimeWindow, state: S, ctx: TriggerContext): void;
  /** The window is being discarded: delete its timers. */
  clear(window: TimeWindow, state: S, ctx: TriggerContext): void;
}

/** Options of {@link eventTimeTrigger}. */
export interface EventTimeTriggerOptions {
  /** Also fire every `early` of processing time while the window is open (speculative results). */
  readonly early?: Duration;
  /**
   * After the on-time firing, within allowed lateness: fire on every late record (default), or
   * at most every `late` of processing time.
   */
  readonly late?: Duration;
}

interface EventTimeState {
  /** The pending early (or late) processing-time timer, or -1. */
  pt: number;
}

/**
 * Fires when the watermark passes the end of the window (the default for event-time windows),
 * optionally with early and late firings.
 *
 * @example
 * ```ts
 * keyed.window(tumbling('1h', { grace: '10m' })).trigger(eventTimeTrigger({ early: '1m', late: '30s' })).aggregate(count());
 * ```
 */
export function eventTimeTrigger<T = unknown>(
  options: EventTimeTriggerOptions = {},
): Trigger<T, EventTimeState> {
  const early =
    options.early === undefined ? undefined : toPositiveMillis(options.early, 'early firing interval');
  const late =
    options.late === undefined ? undefined : toPositiveMillis(options.late, 'late firing interval');
  const schedule = (state: EventTimeState, every: number, ctx: TriggerContext): void => {
    if (state.pt < 0) {
      state.pt = ctx.currentProcessingTime + every;
      ctx.registerProcessingTimeTimer(state.pt);
    }
  };
  return {
    createState: () => ({ pt: -1 }),
    onElement(_v, _t, window, state, ctx) {
      if (window.end - 1 <= ctx.currentWatermark) {
        // Late but within allowed lateness.
        if (late === undefined) return 'fire';
        schedule(state, late, ctx);
        return 'continue';
      }
      ctx.registerEventTimeTimer(window.end - 1);
      if (early !== undefined) schedule(state, early, ctx);
      return 'continue';
    },
    onEventTime: (time, window, state, ctx) => {
      if (time !== window.end - 1) return 'continue';
      if (state.pt >= 0) {
        ctx.deleteProcessingTimeTimer(state.pt);
        state.pt = -1;
      }
      return 'fire';
    },
    onProcessingTime(time, window, state, ctx) {
      if (time !== state.pt) return 'continue';
      state.pt = -1;
      if (window.end - 1 > ctx.currentWatermark && early !== undefined) schedule(state, early, ctx);
      return 'fire';
    },
    mergeState: (a, b) => ({ pt: a.pt < 0 ? b.pt : b.pt < 0 ? a.pt : Math.min(a.pt, b.pt) }),
    onMerge(window, _state, ctx) {
      if (window.end - 1 > ctx.currentWatermark) ctx.registerEventTimeTimer(window.end - 1);
    },
    clear(window, state, ctx) {
      ctx.deleteEventTimeTimer(window.end - 1);
      if (state.pt >= 0) ctx.deleteProcessingTimeTimer(state.pt);
    },
  };
}

/**
 * Fires when processing time passes the end of the window (the default for processing-time
 * windows).
 *
 * @example
 * ```ts
 * keyed.window(tumbling('10s', { time: 'processing' })).trigger(processingTimeTrigger()).aggregate(count());
 * ```
 */
export function processingTimeTrigger<T = unknown>(): Trigger<T, null> {
  return {
    createState: () => null,
    onElement(_v, _t, window, _s, ctx) {
      ctx.registerProcessingTimeTimer(window.end - 1);
      return 'continue';
    },
    onEventTime: () => 'continue',
    onProcessingTime: (time, window) => (time === window.end - 1 ? 'fire' : 'continue'),
    mergeState: () => null,
    onMerge(window, _s, ctx) {
      ctx.registerProcessingTimeTimer(window.end - 1);
    },
    clear(window, _s, ctx) {
      ctx.deleteProcessingTimeTimer(window.end - 1);
    },
  };
}

/**
 * Fires every `n` records of a window (the window keeps its contents; wrap in {@link purging}
 * to start afresh after each firing).
 *
 * @example
 * ```ts
 * keyed.window(globalWindow()).trigger(purging(countTrigger(100))).aggregate(sum((x) => x.v));
 * ```
 */
export function countTrigger<T = unknown>(n: number): Trigger<T, { count: number }> {
  if (!Number.isInteger(n) || n < 1) throw configError(`countTrigger n: ${n} must be a positive integer`);
  return {
    createState: () => ({ count: 0 }),
    onElement(_v, _t, _w, state) {
      if (++state.count >= n) {
        state.count = 0;
        return 'fire';
      }
      return 'continue';
    },
    onEventTime: () => 'continue',
    onProcessingTime: () => 'continue',
    mergeState: (a, b) => ({ count: a.count + b.count }),
    clear: () => undefined,
  };
}

/**
 * Fires when a record differs from the record at the last firing by more than `threshold`
 * (the first record only sets the reference).
 *
 * @example
 * ```ts
 * // Emit whenever the temperature moved by more than 2 degrees.
 * keyed.window(globalWindow()).trigger(deltaTrigger(2, (a: Reading, b: Reading) => Math.abs(a.celsius - b.celsius))).aggregate(…);
 * ```
 */
export function deltaTrigger<T>(
  threshold: number,
  delta: (previous: T, current: T) => number,
): Trigger<T, { last: T | undefined; set: boolean }> {
  return {
    createState: () => ({ last: undefined, set: false }),
    onElement(value, _t, _w, state) {
      if (!state.set) {
        state.last = value;
        state.set = true;
        return 'continue';
      }
      if (delta(state.last as T, value) > threshold) {
        state.last = value;
        return 'fire';
      }
      return 'continue';
    },
    onEventTime: () => 'continue',
    onProcessingTime: () => 'continue',
    clear: () => undefined,
  };
}

/**
 * Makes every firing of `trigger` also purge the window's contents.
 *
 * @example
 * ```ts
 * keyed.window(globalWindow()).trigger(purging(countTrigger(3))).aggregate(toList());
 * ```
 */
export function purging<T, S>(trigger: Trigger<T, S>): Trigger<T, S> {
  const purge = (r: TriggerResult): TriggerResult => (r === 'fire' ? 'fireAndPurge' : r);
  return {
    ...trigger,
    onElement: (v, t, w, s, ctx) => purge(trigger.onElement(v, t, w, s, ctx)),
    onEventTime: (t, w, s, ctx) => purge(trigger.onEventTime(t, w, s, ctx)),
    onProcessingTime: (t, w, s, ctx) => purge(trigger.onProcessingTime(t, w, s, ctx)),
  };
}
