import type { Sink, SinkWriter } from './sink.js';

/**
 * Collects records in memory, in arrival order (for tests and small jobs). Not transactional:
 * after a restore it holds what the failed run wrote too, unless you clear it.
 *
 * @example
 * ```ts
 * const out = collectSink<number>();
 * env.fromArray([1, 2, 3]).map((x) => x * 2).sinkTo(out);
 * await env.execute();
 * out.values; // [2, 4, 6]
 * ```
 */
export class CollectSink<T> implements Sink<T> {
  readonly values: T[] = [];
  readonly timestamps: number[] = [];

  open(): SinkWriter<T> {
    return {
      write: (values, timestamps) => {
        for (let i = 0; i < values.length; i++) {
          this.values.push(values[i]!);
          this.timestamps.push(timestamps[i]!);
        }
      },
      close: () => undefined,
    };
  }

  /** The records with their timestamps. */
  records(): Array<{ value: T; timestamp: number }> {
    return this.values.map((value, i) => ({ value, timestamp: this.timestamps[i]! }));
  }

  clear(): void {
    this.values.length = 0;
    this.timestamps.length = 0;
  }
}

/**
 * Creates a {@link CollectSink}.
 *
 * @example
 * ```ts
 * const out = collectSink<string>(); words.sinkTo(out); await env.execute(); out.values;
 * ```
 */
export function collectSink<T>(): CollectSink<T> {
  return new CollectSink<T>();
}
