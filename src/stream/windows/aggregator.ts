/**
 * An incremental aggregation: windows and aggregating state keep one accumulator `A` per key
 * (per slice, per window) instead of the records.
 *
 * Contract: `add` and `merge` may mutate their first argument and must return the accumulator
 * to keep (so a number can be the accumulator, allocation-free); `merge` must not mutate its
 * second argument (sliding windows merge one slice into several windows); `result` must not
 * mutate the accumulator (early and late firings read it more than once). Accumulators are
 * checkpointed, so they must be structured-cloneable data.
 *
 * @example
 * ```ts
 * const total: Aggregator<Bid, number, number> = {
 *   create: () => 0, add: (acc, b) => acc + b.price, merge: (a, b) => a + b, result: (acc) => acc,
 * };
 * ```
 */
export interface Aggregator<T, A, R> {
  create(): A;
  add(acc: A, value: T): A;
  merge(a: A, b: A): A;
  result(acc: A): R;
}

/** The input type of an aggregator. */
export type AggregatorInput<G> = G extends Aggregator<infer T, unknown, unknown> ? T : never;
/** The result type of an aggregator. */
export type AggregatorResult<G> = G extends Aggregator<never, unknown, infer R> ? R : never;
