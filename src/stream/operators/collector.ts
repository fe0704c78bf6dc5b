import type { Output } from './operator.js';

/**
 * Receives the outputs of a function that may emit any number of records per input.
 *
 * @example
 * ```ts
 * lines.flatMap((line: string, out: Collector<string>) => { for (const w of line.split(' ')) out.collect(w); });
 * ```
 */
export interface Collector<O> {
  collect(value: O): void;
}

/**
 * What a flatMap function returns: outputs as an iterable, or nothing when it used the
 * collector. `void` is deliberate: a function body without `return` has type `void`.
 */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type
export type FlatMapResult<O> = Iterable<O> | undefined | void;

/**
 * Accumulates emitted records and their timestamps into the arrays of the batch being built,
 * so that functions emitting records allocate no closure per record.
 */
export class BatchCollector<O> implements Collector<O> {
  values: O[] = [];
  timestamps: number[] = [];
  /** The timestamp given to records collected without one. */
  timestamp = NaN;

  collect(value: O): void {
    this.values.push(value);
    this.timestamps.push(this.timestamp);
  }

  collectAt(value: O, timestamp: number): void {
    this.values.push(value);
    this.timestamps.push(timestamp);
  }

  /** Emits the collected batch (when not empty) and starts a new one. */
  flushTo(output: Output<O>): void {
    if (this.values.length === 0) return;
    const v = this.values;
    const t = this.timestamps;
    this.values = [];
    this.timestamps = [];
    output.emit(v, t);
  }
}
