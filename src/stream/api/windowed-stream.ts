import { toMillis, type Duration } from '../core/duration.js';
import { configError } from '../core/errors.js';
import type { Key } from '../core/key.js';
import type { OutputTag } from '../core/output-tag.js';
import type { Collector } from '../operators/collector.js';
import type { Aggregator } from '../windows/aggregator.js';
import { reducing, toList } from '../windows/aggregators.js';
import type { WindowAssigner } from '../windows/assigners.js';
import { countWindowOperator } from '../windows/count-window.js';
import { generalWindowOperator } from '../windows/general-window.js';
import { sessionWindowOperator } from '../windows/session-window.js';
import { slicingWindowOperator } from '../windows/slicing-window.js';
import { eventTimeTrigger, processingTimeTrigger, type Trigger } from '../windows/triggers.js';
import type { WindowParams } from '../windows/window-output.js';
import type { TimeWindow, WindowEmitter, WindowResult } from '../windows/window.js';
import type { NodeOptions } from './options.js';
import type { DataStream, KeyedStream } from './streams.js';

const never: Trigger<unknown, null> = {
  createState: () => null,
  onElement: () => 'continue',
  onEventTime: () => 'continue',
  onProcessingTime: () => 'continue',
  mergeState: () => null,
  clear: () => undefined,
};

/**
 * A keyed stream grouped into windows: configure the trigger, lateness and late output, then
 * aggregate. With the default trigger, tumbling and sliding windows use shared slices and
 * event-time sessions an incremental merging operator; custom triggers use the general window
 * operator.
 *
 * @example
 * ```ts
 * const late = new OutputTag<Bid>('late-bids');
 * const maxPrice = bids.keyBy((b) => b.auction).window(tumbling('10s', { grace: '5s' })).lateOutput(late)
 *   .aggregate(max((b) => b.price), (auction, w, price) => ({ auction, price, window_end: w.end }));
 * ```
 */
export class WindowedStream<T, K extends Key> {
  /** @internal */
  constructor(
    private readonly keyed: KeyedStream<T, K>,
    private readonly assigner: WindowAssigner,
    private readonly triggerFn?: Trigger<T>,
    private readonly lateTag?: OutputTag<T>,
  ) {}

  /**
   * Replaces the default trigger (event time at the window's end, or processing time).
   *
   * @example
   * ```ts
   * keyed.window(tumbling('1h')).trigger(eventTimeTrigger({ early: '1m' })).aggregate(count());
   * ```
   */
  trigger<S>(trigger: Trigger<T, S>): WindowedStream<T, K> {
    if (this.assigner.kind === 'count') throw configError('count windows have no triggers');
    return new WindowedStream(this.keyed, this.assigner, trigger, this.lateTag);
  }

  /**
   * Sets the allowed lateness (the `grace` of the window options).
   *
   * @example
   * ```ts
   * keyed.window(tumbling('1m')).allowedLateness('30s');
   * ```
   */
  allowedLateness(lateness: Duration): WindowedStream<T, K> {
    const a = this.assigner;
    if (a.kind === 'count' || a.kind === 'global') throw configError(`${a.kind} windows have no lateness`);
    const assigner = { ...a, lateness: toMillis(lateness, 'allowedLateness') };
    return new WindowedStream(this.keyed, assigner, this.triggerFn, this.lateTag);
  }

  /**
   * Sends records too late for every window (beyond allowed lateness) to side output `tag`
   * instead of dropping them; read it with `result.sideOutput(tag)`.
   *
   * @example
   * ```ts
   * const late = new OutputTag<Reading>('late');
   * const avgs = keyed.window(tumbling('1m')).lateOutput(late).aggregate(avg((r) => r.v));
   * avgs.sideOutput(late).print();
   * ```
   */
  lateOutput(tag: OutputTag<T>): WindowedStream<T, K> {
    return new WindowedStream(this.keyed, this.assigner, this.triggerFn, tag);
  }

  /**
   * Aggregates each window incrementally; emits `project(key, window, result)` (default: a
   * {@link WindowResult}) each time a window fires.
   *
   * @example
   * ```ts
   * keyed.window(sliding('30s', '5s')).aggregate(count(), (user, w, n) => ({ user, n, window_end: w.end }));
   * ```
   */
  aggregate<A, R>(aggregator: Aggregator<T, A, R>, options?: NodeOptions): DataStream<WindowResult<K, R>>;
  aggregate<A, R, O>(
    aggregator: Aggregator<T, A, R>,
    project: (key: K, window: TimeWindow, result: R) => O,
    options?: NodeOptions,
  ): DataStream<O>;
  aggregate<A, R, O>(
    aggregator: Aggregator<T, A, R>,
    projectOrOptions?: ((key: K, window: TimeWindow, result: R) => O) | NodeOptions,
    options?: NodeOptions,
  ): DataStream<O> {
    const project =
      typeof projectOrOptions === 'function'
        ? projectOrOptions
        : (key: K, w: TimeWindow, value: R) => ({ key, start: w.start, end: w.end, value }) as O;
    const opts = typeof projectOrOptions === 'function' ? options : projectOrOptions;
    const emit: WindowEmitter<K, R, O> = (key, window, result, out) => {
      out.collect(project(key, window, result));
    };
    return this.build(aggregator, emit, opts);
  }

  /**
   * Reduces each window's records to one (of the same type).
   *
   * @example
   * ```ts
   * keyed.window(tumbling('10s')).reduce((a, b) => (b.price > a.price ? b : a));
   * ```
   */
  reduce(fn: (a: T, b: T) => T, options?: NodeOptions): DataStream<T> {
    const emit: WindowEmitter<K, T | undefined, T> = (_k, _w, result, out) => {
      if (result !== undefined) out.collect(result);
    };
    return this.build(reducing(fn), emit, options);
  }

  /**
   * Runs `fn` over all records of each fired window (kept in the window until it fires).
   *
   * @example
   * ```ts
   * keyed.window(session('30m')).process((user, w, clicks, out) => out.collect({ user, pages: clicks.length }));
   * ```
   */
  process<O>(
    fn: (key: K, window: TimeWindow, elements: readonly T[], out: Collector<O>) => void,
    options?: NodeOptions,
  ): DataStream<O> {
    return this.build(toList<T>(), fn, options);
  }

  private build<A, R, O>(
    aggregator: Aggregator<T, A, R>,
    emit: WindowEmitter<K, R, O>,
    options?: NodeOptions,
  ): DataStream<O> {
    const base: WindowParams = {
      key: this.keyed.keyFn,
      aggregator: aggregator,
      emit: emit as WindowEmitter<Key, unknown, unknown>,
      lateTag: this.lateTag,
    };
    const a = this.assigner;
    const trigger = this.triggerFn as Trigger<unknown> | undefined;
    if (a.kind === 'count')
      return this.keyed.transform(countWindowOperator, { ...base, assigner: a }, options, 'count-window');
    if (trigger === undefined && (a.kind === 'tumbling' || a.kind === 'sliding')) {
      return this.keyed.transform(
        slicingWindowOperator,
        { ...base, assigner: a },
        options,
        `${a.kind}-window`,
      );
    }
    if (trigger === undefined && a.kind === 'session' && a.time === 'event') {
      return this.keyed.transform(sessionWindowOperator, { ...base, assigner: a }, options, 'session-window');
    }
    const fallback: Trigger<unknown> =
      a.kind === 'global' ? never : a.time === 'processing' ? processingTimeTrigger() : eventTimeTrigger();
    return this.keyed.transform(
      generalWindowOperator,
      { ...base, assigner: a, trigger: trigger ?? fallback },
      options,
      `${a.kind}-window`,
    );
  }
}
