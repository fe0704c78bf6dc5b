import { toSignedMillis, type SignedDuration } from '../core/duration.js';
import { configError } from '../core/errors.js';
import type { Key } from '../core/key.js';
import { intervalJoinOperator, type JoinContext } from '../joins/interval-join.js';
import type { Collector } from '../operators/collector.js';
import type { OperatorDefinition } from '../operators/definition.js';
import type { WindowAssigner } from '../windows/assigners.js';
import type { TimeWindow } from '../windows/window.js';
import type { NodeOptions } from './options.js';
import type { DataStream, KeyedStream } from './streams.js';

/**
 * Builds an interval join; see {@link KeyedStream.intervalJoin}.
 *
 * @example
 * ```ts
 * orders.keyBy((o) => o.id).intervalJoin(shipments.keyBy((s) => s.orderId)).between('0s', '1h').join((o, s) => ({ o, s }));
 * ```
 */
export class IntervalJoinBuilder<A, B, K extends Key> {
  /** @internal */
  constructor(
    private readonly left: KeyedStream<A, K>,
    private readonly right: KeyedStream<B, K>,
  ) {}

  /**
   * Joins a left record at `l` with right records at `r` where `l + lower ≤ r ≤ l + upper`
   * (inclusive; negative bounds look back in time).
   */
  between(lower: SignedDuration, upper: SignedDuration): IntervalJoin<A, B, K> {
    const lo = toSignedMillis(lower, 'intervalJoin lower bound');
    const hi = toSignedMillis(upper, 'intervalJoin upper bound');
    if (lo > hi) throw configError(`intervalJoin: lower bound ${lo} ms is above upper bound ${hi} ms`);
    return new IntervalJoin(this.left, this.right, lo, hi);
  }
}

/**
 * An interval join with its bounds; finish it with `join` or `process`.
 *
 * @example
 * ```ts
 * const joined: IntervalJoin<Click, View, string> = clicks.keyBy((c) => c.user).intervalJoin(views.keyBy((v) => v.user)).between('-1m', '0s');
 * joined.join((click, view) => ({ page: view.page, at: click.time }));
 * ```
 */
export class IntervalJoin<A, B, K extends Key> {
  /** @internal */
  constructor(
    private readonly left: KeyedStream<A, K>,
    private readonly right: KeyedStream<B, K>,
    private readonly lower: number,
    private readonly upper: number,
  ) {}

  /**
   * Emits `fn(left, right)` for every matching pair.
   *
   * @example
   * ```ts
   * a.keyBy((x) => x.id).intervalJoin(b.keyBy((y) => y.id)).between('-5s', '5s').join((x, y) => ({ ...x, ...y }));
   * ```
   */
  join<O>(fn: (left: A, right: B) => O, options?: NodeOptions): DataStream<O> {
    return this.process<O>((l, r, out) => {
      out.collect(fn(l, r));
    }, options);
  }

  /**
   * Runs `fn` for every matching pair, with the pair's timestamps; emit through `out`.
   *
   * @example
   * ```ts
   * joined.process((a, b, out, ctx) => { if (ctx.rightTimestamp - ctx.leftTimestamp < 1000) out.collect({ a, b }); });
   * ```
   */
  process<O>(
    fn: (left: A, right: B, out: Collector<O>, ctx: JoinContext) => void,
    options?: NodeOptions,
  ): DataStream<O> {
    return twoInput(
      this.left,
      this.right,
      intervalJoinOperator,
      {
        leftKey: this.left.keyFn,
        rightKey: this.right.keyFn,
        lower: this.lower,
        upper: this.upper,
        join: fn as never,
      },
      options,
      'interval-join',
    );
  }
}

/** @internal Adds a two-input keyed operator over `left` (input 0) and `right` (input 1). */
export function twoInput<A, B, O, P>(
  left: DataStream<A>,
  right: DataStream<B>,
  definition: OperatorDefinition<P>,
  params: P,
  options: NodeOptions | undefined,
  name: string,
): DataStream<O> {
  if (left.env !== right.env) throw configError(`${name}: streams belong to different environments`);
  const node = left.env.graph.addOperator(
    definition,
    params,
    [...left.edges(0), ...right.edges(1)],
    options?.name ?? name,
    options?.uid,
  );
  return left.derive<O>(node);
}

interface Tagged {
  readonly side: 0 | 1;
  readonly v: unknown;
}

/**
 * A window join of two keyed streams: records of both sides fall into the same windows (any
 * assigner); `apply` pairs them, `coGroup` sees both groups of each window.
 *
 * @example
 * ```ts
 * people.keyBy((p) => p.id).windowJoin(auctions.keyBy((a) => a.seller), tumbling('10s'))
 *   .apply((p, a, w) => ({ id: p.id, name: p.name, starttime: w.start }));
 * ```
 */
export class WindowJoin<A, B, K extends Key> {
  /** @internal */
  constructor(
    private readonly left: KeyedStream<A, K>,
    private readonly right: KeyedStream<B, K>,
    private readonly assigner: WindowAssigner,
  ) {
    if (assigner.kind === 'count' || assigner.kind === 'global') {
      throw configError(`windowJoin: ${assigner.kind} windows cannot join two streams`);
    }
  }

  /** Emits `fn(left, right, window)` for every pair of records of a key in the same window. */
  apply<O>(fn: (left: A, right: B, window: TimeWindow) => O, options?: NodeOptions): DataStream<O> {
    return this.coGroup<O>((_k, lefts, rights, w, out) => {
      for (const l of lefts) for (const r of rights) out.collect(fn(l, r, w));
    }, options);
  }

  /**
   * Runs `fn` once per key and fired window with the records of each side (either may be empty).
   *
   * @example
   * ```ts
   * joined.coGroup((id, people, auctions, w, out) => { if (people.length && auctions.length) out.collect({ id, w }); });
   * ```
   */
  coGroup<O>(
    fn: (key: K, lefts: readonly A[], rights: readonly B[], window: TimeWindow, out: Collector<O>) => void,
    options?: NodeOptions,
  ): DataStream<O> {
    const lk = this.left.keyFn;
    const rk = this.right.keyFn;
    const tagged = this.left
      .map((v): Tagged => ({ side: 0, v }), { name: 'window-join-left' })
      .union(this.right.map((v): Tagged => ({ side: 1, v }), { name: 'window-join-right' }));
    return tagged
      .keyBy((t) => (t.side === 0 ? lk(t.v) : rk(t.v)) as K)
      .window(this.assigner)
      .process<O>(
        (key, window, elements, out) => {
          const lefts: A[] = [];
          const rights: B[] = [];
          for (const t of elements) {
            if (t.side === 0) lefts.push(t.v as A);
            else rights.push(t.v as B);
          }
          fn(key, lefts, rights, window, out);
        },
        { name: 'window-join', ...options },
      );
  }
}
