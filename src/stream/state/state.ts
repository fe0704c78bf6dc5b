import type { Duration } from '../core/duration.js';
import type { Aggregator } from '../windows/aggregator.js';

/**
 * Keyed state handles. Each handle reads and writes the value of the *current key*: the key of
 * the record (or timer) being processed. Values must be structured-cloneable data (plain
 * objects, arrays, Maps, Sets, numbers, strings, bigints, Dates): checkpoints store them with
 * the V8 serializer, so class instances come back as plain objects.
 */
export interface ValueState<T> {
  /** The value for the current key, or undefined (or the descriptor's default) when unset or expired. */
  value(): T | undefined;
  update(value: T): void;
  clear(): void;
}

/** A list per key. `get()` returns the stored array: treat it as read-only. */
export interface ListState<T> {
  get(): readonly T[];
  add(value: T): void;
  addAll(values: readonly T[]): void;
  update(values: readonly T[]): void;
  clear(): void;
}

/** A map per key. Iteration order is insertion order. */
export interface MapState<UK, UV> {
  get(key: UK): UV | undefined;
  put(key: UK, value: UV): void;
  remove(key: UK): void;
  has(key: UK): boolean;
  entries(): IterableIterator<[UK, UV]>;
  keys(): IterableIterator<UK>;
  values(): IterableIterator<UV>;
  size(): number;
  clear(): void;
}

/** Folds every added value into one with a reduce function. */
export interface ReducingState<T> {
  get(): T | undefined;
  add(value: T): void;
  clear(): void;
}

/** Folds every added value into an accumulator of an {@link Aggregator}; `get()` is its result. */
export interface AggregatingState<T, R> {
  get(): R | undefined;
  add(value: T): void;
  clear(): void;
}

/**
 * Time-to-live of keyed state entries, measured in processing time. Expired entries are never
 * returned; they are removed lazily on access, incrementally on writes, and from snapshots.
 */
export interface TtlConfig {
  readonly ttl: Duration;
  /** When the expiry clock restarts: on writes only (default), or on reads too. */
  readonly update?: 'onWrite' | 'onReadAndWrite';
}

/** The kinds of keyed state; part of the versioned snapshot format. */
export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

/**
 * Declares one keyed state: its kind, options and handle type `H`. Create descriptors with
 * {@link valueState}, {@link listState}, {@link mapState}, {@link reducingState} or
 * {@link aggregatingState}.
 */
export interface StateDescriptor<H> {
  readonly kind: StateKind;
  readonly ttl: TtlConfig | undefined;
  readonly defaultValue?: unknown;
  readonly reduce?: (a: unknown, b: unknown) => unknown;
  readonly aggregator?: Aggregator<unknown, unknown, unknown>;
  /** Phantom field carrying the handle type; never set. */
  readonly handleType?: H;
}

/** Options shared by every state descriptor. */
export interface StateOptions {
  /** Entries expire this long after their last write (or read, see {@link TtlConfig}). */
  readonly ttl?: Duration | TtlConfig;
}

function ttlOf(options: StateOptions | undefined): TtlConfig | undefined {
  const ttl = options?.ttl;
  if (ttl === undefined) return undefined;
  return typeof ttl === 'object' ? ttl : { ttl };
}

/**
 * A single value per key.
 *
 * @example
 * ```ts
 * keyed.process({ state: { count: valueState<number>({ default: 0 }) },
 *   processElement(v, ctx) { ctx.state.count.update(ctx.state.count.value()! + 1); } });
 * ```
 */
export function valueState<T>(
  options?: StateOptions & { readonly default?: T },
): StateDescriptor<ValueState<T>> {
  return { kind: 'value', ttl: ttlOf(options), defaultValue: options?.default };
}

/**
 * A list per key.
 *
 * @example
 * ```ts
 * const spec = { recent: listState<number>({ ttl: '10m' }) };
 * ```
 */
export function listState<T>(options?: StateOptions): StateDescriptor<ListState<T>> {
  return { kind: 'list', ttl: ttlOf(options) };
}

/**
 * A map per key; with a TTL each map entry expires on its own.
 *
 * @example
 * ```ts
 * const spec = { seen: mapState<string, number>() };
 * ```
 */
export function mapState<UK, UV>(options?: StateOptions): StateDescriptor<MapState<UK, UV>> {
  return { kind: 'map', ttl: ttlOf(options) };
}

/**
 * A value per key folded with `reduce`.
 *
 * @example
 * ```ts
 * const spec = { max: reducingState<number>((a, b) => Math.max(a, b)) };
 * ```
 */
export function reducingState<T>(
  reduce: (a: T, b: T) => T,
  options?: StateOptions,
): StateDescriptor<ReducingState<T>> {
  return { kind: 'reducing', ttl: ttlOf(options), reduce: reduce as (a: unknown, b: unknown) => unknown };
}

/**
 * An aggregator's accumulator per key.
 *
 * @example
 * ```ts
 * const spec = { avgPrice: aggregatingState(avg((b: Bid) => b.price)) };
 * ```
 */
export function aggregatingState<T, A, R>(
  aggregator: Aggregator<T, A, R>,
  options?: StateOptions,
): StateDescriptor<AggregatingState<T, R>> {
  return {
    kind: 'aggregating',
    ttl: ttlOf(options),
    aggregator: aggregator,
  };
}

/** A record of named state descriptors, as a process function declares them. */
export type StateSpec = Record<string, StateDescriptor<unknown>>;

/** The handles a {@link StateSpec} gives a process function at run time. */
export type StateHandles<S extends StateSpec> = {
  readonly [N in keyof S]: S[N] extends StateDescriptor<infer H> ? H : never;
};
