import { configError } from '../core/errors.js';
import type { Aggregator } from './aggregator.js';

/**
 * Counts records.
 *
 * @example
 * ```ts
 * clicks.keyBy((c) => c.user).window(tumbling('1m')).aggregate(count());
 * ```
 */
export function count<T = unknown>(): Aggregator<T, number, number> {
  return { create: () => 0, add: (acc) => acc + 1, merge: (a, b) => a + b, result: (acc) => acc };
}

/**
 * Sums a numeric field.
 *
 * @example
 * ```ts
 * orders.keyBy((o) => o.customer).window(tumbling('1h')).aggregate(sum((o) => o.amount));
 * ```
 */
export function sum<T>(field: (value: T) => number): Aggregator<T, number, number> {
  return { create: () => 0, add: (acc, v) => acc + field(v), merge: (a, b) => a + b, result: (acc) => acc };
}

/**
 * The smallest value of a numeric field (`undefined` for an empty window, which never fires).
 *
 * @example
 * ```ts
 * readings.keyBy((r) => r.sensor).window(tumbling('1m')).aggregate(min((r) => r.celsius));
 * ```
 */
export function min<T>(field: (value: T) => number): Aggregator<T, number, number> {
  return {
    create: () => Infinity,
    add: (acc, v) => Math.min(acc, field(v)),
    merge: (a, b) => Math.min(a, b),
    result: (acc) => acc,
  };
}

/**
 * The largest value of a numeric field.
 *
 * @example
 * ```ts
 * bids.keyBy((b) => b.auction).window(tumbling('10s')).aggregate(max((b) => b.price));
 * ```
 */
export function max<T>(field: (value: T) => number): Aggregator<T, number, number> {
  return {
    create: () => -Infinity,
    add: (acc, v) => Math.max(acc, field(v)),
    merge: (a, b) => Math.max(a, b),
    result: (acc) => acc,
  };
}

/**
 * The arithmetic mean of a numeric field (NaN for no records).
 *
 * @example
 * ```ts
 * readings.keyBy((r) => r.sensor).window(sliding('5m', '1m')).aggregate(avg((r) => r.celsius));
 * ```
 */
export function avg<T>(field: (value: T) => number): Aggregator<T, [sum: number, count: number], number> {
  return {
    create: () => [0, 0],
    add: (acc, v) => {
      acc[0] += field(v);
      acc[1] += 1;
      return acc;
    },
    merge: (a, b) => {
      a[0] += b[0];
      a[1] += b[1];
      return a;
    },
    result: (acc) => acc[0] / acc[1],
  };
}

/**
 * The number of distinct values of a field (exact; keeps the set of values).
 *
 * @example
 * ```ts
 * pageViews.keyBy((v) => v.page).window(tumbling('1h')).aggregate(distinctCount((v) => v.user));
 * ```
 */
export function distinctCount<T>(
  field: (value: T) => string | number,
): Aggregator<T, Set<string | number>, number> {
  return {
    create: () => new Set(),
    add: (acc, v) => acc.add(field(v)),
    merge: (a, b) => {
      for (const x of b) a.add(x);
      return a;
    },
    result: (acc) => acc.size,
  };
}

/**
 * The `n` records with the largest (or smallest, `order: 'asc'`) value of a field, best first.
 * Ties keep the earlier record.
 *
 * @example
 * ```ts
 * bids.keyBy((b) => b.auction).window(tumbling('1m')).aggregate(topN(3, (b) => b.price));
 * ```
 */
export function topN<T>(
  n: number,
  field: (value: T) => number,
  order: 'desc' | 'asc' = 'desc',
): Aggregator<T, T[], T[]> {
  if (!Number.isInteger(n) || n < 1) throw configError(`topN n: ${n} must be a positive integer`);
  const sign = order === 'desc' ? 1 : -1;
  const insert = (acc: T[], v: T): T[] => {
    const score = sign * field(v);
    if (acc.length === n && score <= sign * field(acc[n - 1]!)) return acc;
    let i = acc.length;
    while (i > 0 && sign * field(acc[i - 1]!) < score) i--;
    acc.splice(i, 0, v);
    if (acc.length > n) acc.pop();
    return acc;
  };
  return {
    create: () => [],
    add: insert,
    merge: (a, b) => {
      for (const v of b) insert(a, v);
      return a;
    },
    result: (acc) => acc.slice(),
  };
}

/** The accumulator of {@link argMax} and {@link argMin}. */
export interface ExtremeRecords<T> {
  best: number;
  items: T[];
}

function extreme<T>(field: (value: T) => number, sign: 1 | -1): Aggregator<T, ExtremeRecords<T>, T[]> {
  const add = (acc: ExtremeRecords<T>, v: T): ExtremeRecords<T> => {
    const f = sign * field(v);
    if (f > acc.best) {
      acc.best = f;
      acc.items = [v];
    } else if (f === acc.best) acc.items.push(v);
    return acc;
  };
  return {
    create: () => ({ best: -Infinity, items: [] }),
    add,
    merge: (a, b) => {
      if (b.best > a.best) {
        a.best = b.best;
        a.items = b.items.slice();
      } else if (b.best === a.best) for (const v of b.items) a.items.push(v);
      return a;
    },
    result: (acc) => acc.items.slice(),
  };
}

/**
 * Every record with the largest value of a field (all of them when tied), in arrival order.
 *
 * @example
 * ```ts
 * // The highest bids of each 10-second window, ties included (Nexmark q7).
 * bids.windowAll(tumbling('10s')).aggregate(argMax((b: Bid) => b.price), (_k, w, top) => ({ w, top }));
 * ```
 */
export function argMax<T>(field: (value: T) => number): Aggregator<T, ExtremeRecords<T>, T[]> {
  return extreme(field, 1);
}

/**
 * Every record with the smallest value of a field (all of them when tied).
 *
 * @example
 * ```ts
 * quotes.keyBy((q) => q.symbol).window(tumbling('1m')).aggregate(argMin((q: Quote) => q.ask));
 * ```
 */
export function argMin<T>(field: (value: T) => number): Aggregator<T, ExtremeRecords<T>, T[]> {
  return extreme(field, -1);
}

/**
 * Every record, in arrival order (window functions that need all of them).
 *
 * @example
 * ```ts
 * sessions.window(session('30m')).aggregate(toList<Click>(), (user, w, clicks) => ({ user, pages: clicks.map((c) => c.page) }));
 * ```
 */
export function toList<T>(): Aggregator<T, T[], T[]> {
  return {
    create: () => [],
    add: (acc, v) => {
      acc.push(v);
      return acc;
    },
    merge: (a, b) => {
      for (const v of b) a.push(v);
      return a;
    },
    result: (acc) => acc.slice(),
  };
}

/**
 * Folds records with a reduce function (`undefined` before the first record).
 *
 * @example
 * ```ts
 * keyed.window(tumbling('1m')).aggregate(reducing((a: Bid, b: Bid) => (b.price > a.price ? b : a)));
 * ```
 */
export function reducing<T>(fn: (a: T, b: T) => T): Aggregator<T, { v: T } | undefined, T | undefined> {
  return {
    create: () => undefined,
    add: (acc, v) => {
      if (acc === undefined) return { v };
      acc.v = fn(acc.v, v);
      return acc;
    },
    merge: (a, b) => (a === undefined ? b && { v: b.v } : b === undefined ? a : { v: fn(a.v, b.v) }),
    result: (acc) => acc?.v,
  };
}

type Results<S> = { [N in keyof S]: S[N] extends Aggregator<never, unknown, infer R> ? R : never };

/**
 * Several aggregations in one pass, as one object of results.
 *
 * @example
 * ```ts
 * keyed.window(tumbling('1m')).aggregate(combine({ n: count(), total: sum((o: Order) => o.amount) }));
 * ```
 */
export function combine<T, S extends Record<string, Aggregator<T, unknown, unknown>>>(
  aggregators: S,
): Aggregator<T, unknown[], Results<S>> {
  const names = Object.keys(aggregators);
  const aggs = names.map((n) => aggregators[n]!);
  return {
    create: () => aggs.map((a) => a.create()),
    add: (acc, v) => {
      for (let i = 0; i < aggs.length; i++) acc[i] = aggs[i]!.add(acc[i], v);
      return acc;
    },
    merge: (a, b) => {
      for (let i = 0; i < aggs.length; i++) a[i] = aggs[i]!.merge(a[i], b[i]);
      return a;
    },
    result: (acc) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < aggs.length; i++) out[names[i]!] = aggs[i]!.result(acc[i]);
      return out as Results<S>;
    },
  };
}
