import { configError } from '../core/errors.js';
import type { Key } from '../core/key.js';
import { keyedCoProcessOperator } from '../operators/keyed-co-process.js';
import type { KeyedCoProcessFunction } from '../operators/process-function.js';
import type { StateSpec } from '../state/state.js';
import type { NodeOptions } from './options.js';
import type { DataStream, KeyedStream } from './streams.js';

/**
 * Two keyed streams processed together by one keyed co-process function.
 *
 * @example
 * ```ts
 * a.keyBy((x) => x.id).connect(b.keyBy((y) => y.id)).process({ processElement1: …, processElement2: … });
 * ```
 */
export class ConnectedKeyedStreams<A, B, K extends Key> {
  /** @internal */
  constructor(
    readonly first: KeyedStream<A, K>,
    readonly second: KeyedStream<B, K>,
  ) {
    if (first.env !== second.env) throw configError('connect: streams belong to different environments');
  }

  /** Runs `fn` with state and timers shared by both inputs, per key. */
  process<O, S extends StateSpec = Record<string, never>>(
    fn: KeyedCoProcessFunction<A, B, K, O, S>,
    options?: NodeOptions,
  ): DataStream<O> {
    const node = this.first.env.graph.addOperator(
      keyedCoProcessOperator,
      { key1: this.first.keyFn, key2: this.second.keyFn, fn: fn },
      [...this.first.edges(0), ...this.second.edges(1)],
      options?.name ?? 'keyed-co-process',
      options?.uid,
    );
    return this.first.derive<O>(node);
  }
}
