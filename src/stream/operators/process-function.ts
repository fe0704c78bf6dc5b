import type { Key } from '../core/key.js';
import type { OutputTag } from '../core/output-tag.js';
import type { StateHandles, StateSpec } from '../state/state.js';

/** What a process function sees and can do while handling one record. */
export interface ProcessContext<O> {
  /** Event timestamp of the current record (NaN when it has none). */
  readonly timestamp: number;
  /** The operator's current watermark. */
  readonly currentWatermark: number;
  /** Current processing time (the job's clock). */
  readonly processingTime: number;
  /** Emits a record; it keeps the current record's timestamp unless one is given. */
  emit(value: O, timestamp?: number): void;
  /** Emits a record to a side output. */
  output<S>(tag: OutputTag<S>, value: S, timestamp?: number): void;
}

/**
 * A low-level function over a (non-keyed) stream.
 *
 * @example
 * ```ts
 * const invalid = new OutputTag<Order>('invalid');
 * const valid = orders.process<Order>({
 *   processElement(o, ctx) { if (o.qty > 0) ctx.emit(o); else ctx.output(invalid, o); },
 * });
 * ```
 */
export interface ProcessFunction<T, O> {
  processElement(value: T, ctx: ProcessContext<O>): void;
}

/** Registers and deletes timers for the current key. */
export interface TimerControl {
  /** Calls `onTimer` once the watermark reaches `time`. */
  registerEventTime(time: number): void;
  deleteEventTime(time: number): void;
  /** Calls `onTimer` once the clock reaches `time`. */
  registerProcessingTime(time: number): void;
  deleteProcessingTime(time: number): void;
}

/** The context of a keyed process function: the current key, its state and its timers. */
export interface KeyedProcessContext<K extends Key, O, S extends StateSpec> extends ProcessContext<O> {
  readonly key: K;
  readonly state: StateHandles<S>;
  readonly timers: TimerControl;
}

/** The context of `onTimer`: which time domain fired. */
export interface KeyedTimerContext<K extends Key, O, S extends StateSpec> extends KeyedProcessContext<
  K,
  O,
  S
> {
  readonly timeDomain: 'eventTime' | 'processingTime';
}

/**
 * A function over a keyed stream with keyed state and timers: the building block for anything
 * the higher-level operators do not cover.
 *
 * @example
 * ```ts
 * // Emit a key's count one minute (event time) after its first record.
 * const state = { count: valueState<number>() };
 * keyed.process<[string, number], typeof state>({
 *   state,
 *   processElement(_v, ctx) {
 *     const n = ctx.state.count.value() ?? 0;
 *     if (n === 0) ctx.timers.registerEventTime(ctx.timestamp + 60_000);
 *     ctx.state.count.update(n + 1);
 *   },
 *   onTimer(_t, ctx) { ctx.emit([ctx.key, ctx.state.count.value()!]); ctx.state.count.clear(); },
 * });
 * ```
 */
export interface KeyedProcessFunction<T, K extends Key, O, S extends StateSpec = Record<string, never>> {
  /** The keyed state this function uses, by name (the names are part of the checkpoint). */
  readonly state?: S;
  processElement(value: T, ctx: KeyedProcessContext<K, O, S>): void;
  onTimer?(timestamp: number, ctx: KeyedTimerContext<K, O, S>): void;
}

/**
 * A function over two connected keyed streams sharing a key type: one method per input, common
 * keyed state and timers. Joins and enrichment that no built-in operator covers.
 *
 * @example
 * ```ts
 * // Pass orders through only while their customer is marked active.
 * const state = { active: valueState<boolean>() };
 * orders.keyBy((o) => o.customer).connect(status.keyBy((s) => s.customer)).process<Order, typeof state>({
 *   state,
 *   processElement1(o, ctx) { if (ctx.state.active.value() === true) ctx.emit(o); },
 *   processElement2(s, ctx) { ctx.state.active.update(s.active); },
 * });
 * ```
 */
export interface KeyedCoProcessFunction<A, B, K extends Key, O, S extends StateSpec = Record<string, never>> {
  readonly state?: S;
  processElement1(value: A, ctx: KeyedProcessContext<K, O, S>): void;
  processElement2(value: B, ctx: KeyedProcessContext<K, O, S>): void;
  onTimer?(timestamp: number, ctx: KeyedTimerContext<K, O, S>): void;
}
