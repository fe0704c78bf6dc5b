import type { Clock } from '../time/clock.js';

/**
 * A unit of a source read in order, with its own position and watermark: a Kafka partition, a
 * file, the one sequence of an array. `id` is stable across restarts (positions are stored by it).
 */
export interface SourceSplit {
  readonly id: string;
}

/** What a source gets from the runtime. */
export interface SourceContext {
  readonly clock: Clock;
  /** Aborted when the job stops; long waits inside `read` should end with it. */
  readonly signal: AbortSignal;
}

/** A batch read from a split; `timestamps`, when given, are the records' native event times. */
export interface SourceBatch<T> {
  readonly values: T[];
  readonly timestamps?: number[];
}

/**
 * Reads one split. `read` returns the next batch, an empty batch when nothing is available yet
 * (after waiting a little: the runtime calls it again), or `null` when the split is finished.
 * Return a value instead of a promise when a batch is ready without I/O; it saves an `await`.
 */
export interface SplitReader<T> {
  read(maxRecords: number): SourceBatch<T> | null | Promise<SourceBatch<T> | null>;
  /**
   * The position just after the last record returned by `read`: restoring a reader from it
   * resumes with the next record. Must be structured-cloneable data.
   */
  position(): unknown;
  /** A checkpoint including this position is durable (e.g. commit Kafka offsets). */
  onCheckpointComplete?(checkpointId: number): Promise<void> | undefined;
  close(): Promise<void> | undefined;
}

/**
 * A source of records. The runtime asks for its splits once per run, creates one reader per
 * split (from the position restored from a checkpoint, or `undefined` to start from the
 * beginning) and reads each split in its own loop.
 *
 * @example
 * ```ts
 * const numbers: Source<number> = {
 *   bounded: true,
 *   splits: () => [{ id: 'all' }],
 *   createReader: (_split, position) => {
 *     let next = (position as number | undefined) ?? 0;
 *     return { read: (max) => { if (next >= 100) return null; const values = [];
 *                 while (values.length < max && next < 100) values.push(next++); return { values }; },
 *              position: () => next, close: () => undefined };
 *   },
 * };
 * ```
 */
export interface Source<T> {
  /** True when every split ends; the job finishes when all its sources have ended. */
  readonly bounded: boolean;
  splits(ctx: SourceContext): readonly SourceSplit[] | Promise<readonly SourceSplit[]>;
  createReader(
    split: SourceSplit,
    position: unknown,
    ctx: SourceContext,
  ): SplitReader<T> | Promise<SplitReader<T>>;
}
