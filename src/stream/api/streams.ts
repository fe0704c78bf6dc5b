import { collectSink, type CollectSink } from '../connectors/collect-sink.js';
import { printSink, type PrintOptions } from '../connectors/print-sink.js';
import type { Sink } from '../connectors/sink.js';
import { configError } from '../core/errors.js';
import type { Key, KeySelector } from '../core/key.js';
import type { OutputTag } from '../core/output-tag.js';
import type { StreamEdge, StreamNode } from '../graph/stream-graph.js';
import type { Collector, FlatMapResult } from '../operators/collector.js';
import type { OperatorDefinition } from '../operators/definition.js';
import { filterOperator } from '../operators/filter.js';
import { flatMapOperator } from '../operators/flat-map.js';
import { keyedAggregateOperator } from '../operators/keyed-aggregate.js';
import { keyedProcessOperator } from '../operators/keyed-process.js';
import { keyedReduceOperator } from '../operators/keyed-reduce.js';
import { mapOperator } from '../operators/map.js';
import type { KeyedProcessFunction, ProcessFunction } from '../operators/process-function.js';
import { processOperator } from '../operators/process.js';
import { sinkOperator } from '../operators/sink.js';
import { timestampsWatermarksOperator } from '../operators/timestamps-watermarks.js';
import type { WatermarkStrategy } from '../time/watermark-strategy.js';
import type { StateOptions, StateSpec } from '../state/state.js';
import { regularJoinOperator } from '../joins/regular-join.js';
import { tableJoinOperator } from '../joins/table-join.js';
import type { Aggregator } from '../windows/aggregator.js';
import type { WindowAssigner } from '../windows/assigners.js';
import type { StreamEnvironment } from './environment.js';
import { WindowedStream } from './windowed-stream.js';
import { ConnectedKeyedStreams } from './connected-streams.js';
import { IntervalJoinBuilder, twoInput, WindowJoin } from './joins.js';
import type { NodeOptions } from './options.js';

/** One upstream output a stream reads: a node's main output or one of its side outputs. */
export interface Outlet {
  readonly node: StreamNode;
  readonly tag: string | undefined;
}

/**
 * A typed stream of records. Every transformation adds an operator to the environment's graph
 * and returns the stream of its output; nothing runs until `env.execute()`.
 *
 * @example
 * ```ts
 * const env = new StreamEnvironment();
 * const out = env.fromArray([1, 2, 3, 4]).filter((x) => x % 2 === 0).map((x) => x * 10).collect();
 * await env.execute(); // out.values: [20, 40]
 * ```
 */
export class DataStream<T> {
  /** @internal */
  constructor(
    readonly env: StreamEnvironment,
    /** @internal */
    readonly outlets: readonly Outlet[],
  ) {}

  /** @internal The edges feeding input `input` of a new operator from this stream. */
  edges(input: 0 | 1 = 0): StreamEdge[] {
    return this.outlets.map((o) => ({ from: o.node, tag: o.tag, input }));
  }

  private single(what: string): StreamNode {
    const o = this.outlets[0];
    if (this.outlets.length !== 1 || o === undefined || o.tag !== undefined) {
      throw configError(`${what}: this stream is a union or a side output, not one operator's output`);
    }
    return o.node;
  }

  /**
   * Sets the uid of the operator that produced this stream (see {@link NodeOptions.uid}).
   *
   * @example
   * ```ts
   * stream.keyBy((e) => e.user).reduce((a, b) => b).uid('latest-per-user');
   * ```
   */
  uid(uid: string): this {
    this.single('uid()').uid = uid;
    return this;
  }

  /** Sets the display name of the operator that produced this stream. */
  name(name: string): this {
    this.single('name()').name = name;
    return this;
  }

  /** @internal The stream of a node's main output. */
  derive<O>(node: StreamNode): DataStream<O> {
    return new DataStream<O>(this.env, [{ node, tag: undefined }]);
  }

  /**
   * Adds an operator of your own (see `Operator` and `defineOperator`) reading this stream. A
   * keyed operator must be applied to a keyed stream and find the key selector in its params.
   *
   * @example
   * ```ts
   * class Dedupe extends Operator<string, string> {
   *   private readonly seen = new Set<string>();
   *   processBatch(values: readonly string[], timestamps: readonly number[]): void {
   *     const out: string[] = []; const ts: number[] = [];
   *     values.forEach((v, i) => { if (!this.seen.has(v)) { this.seen.add(v); out.push(v); ts.push(timestamps[i]!); } });
   *     this.out.emit(out, ts);
   *   }
   *   override onCheckpoint() { return [...this.seen]; }
   *   override restore(state: unknown) { for (const v of state as string[]) this.seen.add(v); }
   * }
   * const dedupe = defineOperator<undefined>({ kind: 'dedupe', description: 'drops repeated strings', inputs: 1, keyed: false,
   *   create: (_p, ctx) => new Dedupe(ctx) });
   * words.transform<string, undefined>(dedupe, undefined);
   * ```
   */
  transform<O, P>(
    definition: OperatorDefinition<P>,
    params: P,
    options?: NodeOptions,
    name?: string,
  ): DataStream<O> {
    const node = this.env.graph.addOperator(
      definition,
      params,
      this.edges(0),
      options?.name ?? name ?? definition.kind,
      options?.uid,
    );
    return new DataStream<O>(this.env, [{ node, tag: undefined }]);
  }

  /**
   * Transforms every record.
   *
   * @example
   * ```ts
   * bids.map((b) => ({ ...b, price: b.price * 0.908 }));
   * ```
   */
  map<O>(fn: (value: T) => O, options?: NodeOptions): DataStream<O> {
    return this.transform(mapOperator, { fn: fn as (v: unknown) => unknown }, options, 'map');
  }

  /**
   * Keeps the records `predicate` accepts; a type guard narrows the stream's type.
   *
   * @example
   * ```ts
   * events.filter((e): e is Bid => e.kind === 'bid');
   * ```
   */
  filter<S extends T>(predicate: (value: T) => value is S, options?: NodeOptions): DataStream<S>;
  filter(predicate: (value: T) => boolean, options?: NodeOptions): DataStream<T>;
  filter(predicate: (value: T) => boolean, options?: NodeOptions): DataStream<T> {
    return this.transform(
      filterOperator,
      { predicate: predicate as (v: unknown) => boolean },
      options,
      'filter',
    );
  }

  /**
   * Emits zero or more records per record, through the collector or as a returned iterable.
   *
   * @example
   * ```ts
   * lines.flatMap((line: string) => line.split(/\s+/));
   * ```
   */
  flatMap<O>(fn: (value: T, out: Collector<O>) => FlatMapResult<O>, options?: NodeOptions): DataStream<O> {
    return this.transform(flatMapOperator, { fn: fn as never }, options, 'flat-map');
  }

  /**
   * Runs a low-level function with access to timestamps, the watermark and side outputs.
   *
   * @example
   * ```ts
   * const bad = new OutputTag<Order>('bad');
   * const good = orders.process<Order>({ processElement: (o, ctx) => (o.qty > 0 ? ctx.emit(o) : ctx.output(bad, o)) });
   * ```
   */
  process<O>(fn: ProcessFunction<T, O>, options?: NodeOptions): DataStream<O> {
    return this.transform(processOperator, { fn: fn }, options, 'process');
  }

  /**
   * Re-stamps records with event time (`timestamps`, or keep the current ones) and replaces the
   * stream's watermarks with the strategy's. Prefer stamping at the source.
   *
   * @example
   * ```ts
   * parsed.assignTimestampsAndWatermarks({ timestamps: (e) => e.time, watermarks: boundedOutOfOrderness('2s') });
   * ```
   */
  assignTimestampsAndWatermarks(
    spec: { readonly timestamps?: (value: T) => number; readonly watermarks: WatermarkStrategy<T> },
    options?: NodeOptions,
  ): DataStream<T> {
    return this.transform(
      timestampsWatermarksOperator,
      {
        extract: spec.timestamps as ((v: unknown) => number) | undefined,
        strategy: spec.watermarks,
      },
      options,
      'timestamps-watermarks',
    );
  }

  /**
   * Windows over the whole stream (not keyed; one instance): the window functions see key 0.
   *
   * @example
   * ```ts
   * bids.windowAll(tumbling('10s')).aggregate(max((b) => b.price));
   * ```
   */
  windowAll(assigner: WindowAssigner): WindowedStream<T, 0> {
    return this.keyBy(() => 0 as const).window(assigner);
  }

  /**
   * Partitions the stream by key: keyed operators keep state and timers per key.
   *
   * @example
   * ```ts
   * clicks.keyBy((c) => c.userId);
   * ```
   */
  keyBy<K extends Key>(key: KeySelector<T, K>): KeyedStream<T, K> {
    return new KeyedStream<T, K>(this.env, this.outlets, key);
  }

  /**
   * Merges streams of the same type; the watermark of the result is the minimum of theirs.
   *
   * @example
   * ```ts
   * const all = eu.union(us, asia);
   * ```
   */
  union(...others: DataStream<T>[]): DataStream<T> {
    for (const o of others)
      if (o.env !== this.env) throw configError('union: streams belong to different environments');
    return new DataStream<T>(this.env, [...this.outlets, ...others.flatMap((o) => o.outlets)]);
  }

  /**
   * The records the producing operator wrote to side output `tag`.
   *
   * @example
   * ```ts
   * const late = new OutputTag<Reading>('late');
   * windowed.sideOutput(late).print('late: ');
   * ```
   */
  sideOutput<S>(tag: OutputTag<S>): DataStream<S> {
    const node = this.single('sideOutput()');
    return new DataStream<S>(this.env, [{ node, tag: tag.id }]);
  }

  /**
   * Writes the stream to a sink.
   *
   * @example
   * ```ts
   * alerts.sinkTo(jsonLinesSink({ file: 'alerts.jsonl' }));
   * ```
   */
  sinkTo(sink: Sink<T>, options?: NodeOptions): void {
    this.transform(sinkOperator, { sink: sink }, options, 'sink');
  }

  /**
   * Collects the stream in memory (tests, small jobs): read `values` after the job ran.
   *
   * @example
   * ```ts
   * const out = stream.collect(); await env.execute(); console.log(out.values);
   * ```
   */
  collect(options?: NodeOptions): CollectSink<T> {
    const sink = collectSink<T>();
    this.sinkTo(sink, { name: 'collect', ...options });
    return sink;
  }

  /**
   * Prints every record as JSON, one per line.
   *
   * @example
   * ```ts
   * stream.print('out> ');
   * ```
   */
  print(prefix = '', options?: Omit<PrintOptions<T>, 'prefix'>): void {
    this.sinkTo(printSink({ ...options, prefix }), { name: 'print' });
  }
}

/**
 * A stream partitioned by key `K`. Keyed operators (process, reduce, aggregate, windows, joins)
 * keep state per key; any other transformation returns an ordinary {@link DataStream}.
 *
 * @example
 * ```ts
 * const totals = orders.keyBy((o) => o.customer).aggregate(sum((o) => o.amount), (customer, total) => ({ customer, total }));
 * ```
 */
export class KeyedStream<T, K extends Key> extends DataStream<T> {
  /** @internal The key selector, typed loosely so that streams stay covariant in `T`. */
  readonly keyFn: (value: unknown) => Key;

  /** @internal */
  constructor(env: StreamEnvironment, outlets: readonly Outlet[], key: KeySelector<T, K>) {
    super(env, outlets);
    this.keyFn = key as (value: unknown) => Key;
  }

  /** The key of a record. */
  keyOf(value: T): K {
    return this.keyFn(value) as K;
  }

  /**
   * Runs a keyed process function: keyed state (declared in `fn.state`) and timers. Give the
   * output type and `typeof` the state spec as type arguments.
   *
   * @example
   * ```ts
   * const state = { last: valueState<number>() };
   * keyed.process<Gap, typeof state>({ state, processElement(v, ctx) {
   *   const prev = ctx.state.last.value(); if (prev !== undefined) ctx.emit({ gap: v.t - prev });
   *   ctx.state.last.update(v.t); } });
   * ```
   */
  override process<O, S extends StateSpec = Record<string, never>>(
    fn: KeyedProcessFunction<T, K, O, S>,
    options?: NodeOptions,
  ): DataStream<O> {
    return this.transform(keyedProcessOperator, { key: this.keyFn, fn: fn }, options, 'keyed-process');
  }

  /**
   * A rolling reduce: emits, for every record, its key's result so far.
   *
   * @example
   * ```ts
   * readings.keyBy((r) => r.sensor).reduce((a, b) => (b.value > a.value ? b : a)); // running maximum
   * ```
   */
  reduce(fn: (acc: T, value: T) => T, options?: NodeOptions): DataStream<T> {
    return this.transform(
      keyedReduceOperator,
      { key: this.keyFn, reduce: fn as never },
      options,
      'keyed-reduce',
    );
  }

  /**
   * A rolling aggregation: emits, for every record, `project(key, result)` of its key's
   * aggregate so far.
   *
   * @example
   * ```ts
   * clicks.keyBy((c) => c.page).aggregate(count(), (page, n) => ({ page, n }));
   * ```
   */
  aggregate<A, R, O = { key: K; value: R }>(
    aggregator: Aggregator<T, A, R>,
    project?: (key: K, result: R) => O,
    options?: NodeOptions,
  ): DataStream<O> {
    const p = project ?? ((key: K, value: R) => ({ key, value }) as O);
    return this.transform(
      keyedAggregateOperator,
      { key: this.keyFn, aggregator: aggregator, project: p as never },
      options,
      'keyed-aggregate',
    );
  }

  /**
   * Groups each key's records into windows.
   *
   * @example
   * ```ts
   * clicks.keyBy((c) => c.user).window(sliding('30s', '5s')).aggregate(count());
   * ```
   */
  window(assigner: WindowAssigner): WindowedStream<T, K> {
    return new WindowedStream(this, assigner);
  }

  /**
   * An event-time interval join with another keyed stream: set the bounds with `between`.
   *
   * @example
   * ```ts
   * clicks.keyBy((c) => c.user).intervalJoin(views.keyBy((v) => v.user)).between('-1m', '0s').join((c, v) => ({ c, v }));
   * ```
   */
  intervalJoin<U>(other: KeyedStream<U, K>): IntervalJoinBuilder<T, U, K> {
    return new IntervalJoinBuilder(this, other);
  }

  /**
   * A window join with another keyed stream: records of a key in the same window pair up.
   *
   * @example
   * ```ts
   * people.keyBy((p) => p.id).windowJoin(auctions.keyBy((a) => a.seller), tumbling('10s')).apply((p, a) => ({ p, a }));
   * ```
   */
  windowJoin<U>(other: KeyedStream<U, K>, assigner: WindowAssigner): WindowJoin<T, U, K> {
    return new WindowJoin(this, other, assigner);
  }

  /**
   * A regular (unbounded) inner join: every pair of records with the same key, whenever they
   * arrive. Both sides are kept in state; bound it with `ttl`.
   *
   * @example
   * ```ts
   * auctions.keyBy((a) => a.seller).join(people.keyBy((p) => p.id), (a, p) => ({ name: p.name, id: a.id }));
   * ```
   */
  join<U, O>(
    other: KeyedStream<U, K>,
    fn: (left: T, right: U) => O,
    options?: NodeOptions & { readonly ttl?: StateOptions['ttl'] },
  ): DataStream<O> {
    const join = (l: unknown, r: unknown, out: Collector<unknown>): void => {
      out.collect(fn(l as T, r as U));
    };
    return twoInput(
      this,
      other,
      regularJoinOperator,
      {
        leftKey: this.keyFn,
        rightKey: other.keyFn,
        join,
        ttl: options?.ttl,
      },
      options,
      'regular-join',
    );
  }

  /**
   * Joins each record with the latest value of its key in `table` (a changelog stream), by
   * arrival order; `kind: 'left'` keeps records without a value (joined with undefined).
   *
   * @example
   * ```ts
   * orders.keyBy((o) => o.product).joinLatest(prices.keyBy((p) => p.product), (o, p) => ({ ...o, price: p.price }));
   * ```
   */
  joinLatest<U, O>(
    table: KeyedStream<U, K>,
    fn: (record: T, latest: U) => O,
    options?: NodeOptions & {
      readonly kind?: 'inner';
      readonly ttl?: StateOptions['ttl'];
      readonly isDelete?: (value: U) => boolean;
    },
  ): DataStream<O>;
  joinLatest<U, O>(
    table: KeyedStream<U, K>,
    fn: (record: T, latest: U | undefined) => O,
    options: NodeOptions & {
      readonly kind: 'left';
      readonly ttl?: StateOptions['ttl'];
      readonly isDelete?: (value: U) => boolean;
    },
  ): DataStream<O>;
  joinLatest<U, O>(
    table: KeyedStream<U, K>,
    fn: (record: T, latest: U) => O,
    options?: NodeOptions & {
      readonly kind?: 'inner' | 'left';
      readonly ttl?: StateOptions['ttl'];
      readonly isDelete?: (value: U) => boolean;
    },
  ): DataStream<O> {
    return twoInput(
      this,
      table,
      tableJoinOperator,
      {
        streamKey: this.keyFn,
        tableKey: table.keyFn,
        join: fn as never,
        kind: options?.kind ?? 'inner',
        isDelete: options?.isDelete as ((v: unknown) => boolean) | undefined,
        ttl: options?.ttl,
      },
      options,
      'table-join',
    );
  }

  /**
   * Connects a second keyed stream with the same key type, for a {@link KeyedCoProcessFunction}.
   *
   * @example
   * ```ts
   * orders.keyBy((o) => o.customer).connect(customers.keyBy((c) => c.id)).process({ … });
   * ```
   */
  connect<U>(other: KeyedStream<U, K>): ConnectedKeyedStreams<T, U, K> {
    return new ConnectedKeyedStreams(this, other);
  }
}
